import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startNavigatorEmulator, type NavigatorEmulator } from '../../emulator/navigator';
import { login, ok, type ListAnswer } from './helpers';

const N = 100_000;

describe('Navigator emulator: 100,000 records', () => {
  let emu: NavigatorEmulator;
  let token: string;

  before(async () => {
    emu = await startNavigatorEmulator({ products: { count: 0 } });
    token = await login(emu);
    const store = emu.store.of('computer');
    assert.ok(store);
    const now = new Date().toISOString();
    for (let i = 0; i < N; i++) {
      const n = String(i).padStart(6, '0');
      store.insert(
        {
          Name: `PC-${n}`,
          Status: 'Auto-Added',
          Serial_Num: `SN-${n}`,
          Audit_ID: `dev-${n}`,
          Notes: `note-${n}`,
        },
        now,
      );
    }
  });
  after(async () => {
    await emu.close();
  });

  /** Milliseconds per listing call filtered on `field` = one record's value (`calls` records spread over the class). */
  async function msPerCall(
    field: 'Audit_ID' | 'Serial_Num' | 'Notes',
    prefix: string,
    calls: number,
  ): Promise<number> {
    const t0 = performance.now();
    for (let k = 0; k < calls; k++) {
      const n = String(Math.floor(((k + 0.5) * N) / calls)).padStart(6, '0');
      const page = await ok<ListAnswer>(emu, token, 'POST', '/v2/Computers', {
        fields: ['OID', 'Name'],
        filters: [{ name: field, value: `${prefix}${n}`, operation: '=' }],
      });
      assert.deepEqual(
        page.Data.map((r) => r[1]),
        [`PC-${n}`],
      );
    }
    return (performance.now() - t0) / calls;
  }

  it('answers a listing filtered on an indexed field at least 10x cheaper than one that scans every record', async () => {
    // Warm-up: the ID order is built once, and both paths get compiled.
    await msPerCall('Audit_ID', 'dev-', 5);
    await msPerCall('Notes', 'note-', 1);
    const indexed = Math.min(
      await msPerCall('Audit_ID', 'dev-', 20),
      await msPerCall('Serial_Num', 'SN-', 20),
    );
    const scanned = await msPerCall('Notes', 'note-', 4); // Notes has no index: 100,000 rows per call
    const figures = `indexed ${indexed.toFixed(2)} ms/call, scanned ${scanned.toFixed(2)} ms/call`;
    console.log(`# ${figures}, ratio ${(scanned / indexed).toFixed(1)}`);
    assert.ok(scanned / indexed >= 10, figures);
  });

  it('pages through the class in ID order, capped at 500 rows, without a total', async () => {
    const first = await ok<ListAnswer>(emu, token, 'POST', '/v2/Computers', { fields: ['ID'], limit: 1000 });
    assert.equal(first.Data.length, 500);
    const last = await ok<ListAnswer>(emu, token, 'POST', '/v2/Computers', {
      fields: ['ID'],
      offset: N - 10,
      limit: 500,
    });
    assert.equal(last.Data.length, 10);
    const ids = [...first.Data, ...last.Data].map((r) => r[0] ?? '');
    assert.deepEqual(ids, [...ids].sort());
    assert.deepEqual((await ok<ListAnswer>(emu, token, 'POST', '/v2/Computers', { offset: N })).Data, []);
    const filters = [{ name: 'Status', value: 'auto-added' }];
    const everyone = await ok<ListAnswer>(emu, token, 'POST', '/v2/Computers', { fields: ['ID'], filters });
    assert.deepEqual(everyone.Data, first.Data, 'a filter matching every record pages in ID order too');
  });
});
