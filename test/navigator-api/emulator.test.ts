/** The Navigator client against the real Navigator emulator (emulator/navigator/): the two sides speak one API. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createNavigatorClient, NavigatorError } from '../../activities/navigator';
import type { NavigatorClient, NavigatorClientOptions } from '../../activities/navigator';
import { startNavigatorEmulator, type NavigatorEmulator } from '../../emulator/navigator';

let emu: NavigatorEmulator;
let n = 0;
function connect(extra: Partial<NavigatorClientOptions> = {}): NavigatorClient {
  return createNavigatorClient({
    navigatorId: `emu-${++n}`,
    apiUrl: emu.apiUrl,
    clientId: emu.registration.clientId,
    clientSecret: emu.registration.secret,
    requestsPerSecond: 1000,
    ...extra,
  });
}

async function failure(p: Promise<unknown>, type: string): Promise<NavigatorError> {
  const err = await p.then(
    () => assert.fail(`expected ${type}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof NavigatorError, String(err));
  assert.equal(err.type, type, err.message);
  return err;
}

const PCS = 45;
before(async () => {
  emu = await startNavigatorEmulator({ pageCap: 20, products: { count: 3 } });
  const client = connect();
  for (let i = 1; i <= PCS; i++) {
    const made = await client.create('301', { Name: `PC-${i}`, Audit_ID: `dev-${i}` });
    assert.equal(made.outcome, 'done', JSON.stringify(made));
  }
});
after(() => emu?.close());

const computers = { className: 'Computers', fields: ['ID', 'OID', 'Name', 'Audit_ID', 'Status', 'Notes'] };

describe('Navigator client against the Navigator emulator', () => {
  it('pages every Computer past the emulator page cap to an empty page, normalising values', async () => {
    const client = connect({ pageSize: 50 });
    const sizes: number[] = [];
    const ids = new Set<string>();
    for await (const page of client.listAll(computers)) {
      sizes.push(page.length);
      for (const r of page) ids.add(r.ID!);
    }
    assert.deepEqual(sizes, [20, 20, 5]);
    assert.equal(ids.size, PCS);
    const [row] = await client.listPage({
      ...computers,
      filters: [{ name: 'Audit_ID', value: 'dev-7' }],
      offset: 0,
      limit: 5,
    });
    assert.match(row!.ID!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.deepEqual([row!.Name, row!.Status, row!.Notes], ['PC-7', 'Auto-Added', null]);
    const obj = await client.getObject(row!.OID!);
    assert.equal(obj?.Audit_ID, 'dev-7');
    assert.equal(await client.getObject('C999999'), undefined);
  });

  it('runs a step action, reads dictionaries and checks, and tells refusals from setup errors', async () => {
    const client = connect();
    const [row] = await client.listPage({
      ...computers,
      filters: [{ name: 'Audit_ID', value: 'dev-3' }],
      offset: 0,
      limit: 1,
    });
    assert.equal((await client.stepAction(row!.OID!, '401', { Notes: 'seen' })).outcome, 'done');
    assert.equal((await client.getObject(row!.OID!))?.Notes, 'seen');
    const statuses = await client.dictionary('Computers', 'Status');
    assert.ok(statuses.includes('Auto-Added') && statuses.includes('Retired'), statuses.join());
    assert.equal(await client.checkAction(row!.OID!, '401'), true);
    const refused = await client.create('301', { Audit_ID: 'dev-x' });
    assert.ok(refused.outcome === 'refused' && /Name/.test(refused.errorText), JSON.stringify(refused));
    await failure(
      client.create('999', { Name: 'x' }, { setting: 'navigators.emu.templates.computer' }),
      'BadConfig',
    );
    await failure(
      client.listPage({ className: 'Computerz', fields: ['ID'], offset: 0, limit: 1 }),
      'BadConfig',
    );
    await failure(
      client.listPage({ className: 'Computers', fields: ['Serial_No'], offset: 0, limit: 1 }),
      'BadConfig',
    );
  });

  it("returns 'unknown' for a create the emulator committed without answering", async () => {
    const client = connect();
    emu.setFaults({ failNext: { kind: 'lostAnswer', route: 'create' } });
    const lost = await client.create('301', { Name: 'PC-LOST', Audit_ID: 'dev-lost' });
    assert.equal(lost.outcome, 'unknown', JSON.stringify(lost));
    const found = await client.listPage({
      ...computers,
      filters: [{ name: 'Audit_ID', value: 'dev-lost' }],
      offset: 0,
      limit: 5,
    });
    assert.equal(found.length, 1);
  });

  it('throws 429 as RateLimited with its Retry-After, and 5xx three times in a row as Transient', async () => {
    const client = connect();
    await client.authenticate();
    emu.setFaults({ failNext: { kind: '429', route: 'list' }, retryAfterSeconds: 1 });
    const err = await failure(client.listPage({ ...computers, offset: 0, limit: 1 }), 'RateLimited');
    assert.equal(err.retryAfterMs, 1000);
    emu.setFaults({ failNext: { kind: '5xx', route: 'object' } });
    assert.ok(await client.getObject('C000001'), 'one 5xx on a read is ridden out: the read is sent again');
    emu.setFaults({ failNext: { kind: '5xx', route: 'object', count: 3 } });
    await failure(client.getObject('C000001'), 'Transient');
    emu.setFaults({});
  });

  it('renews a token when it runs out and fails a wrong secret as BadCredentials', async () => {
    emu.setFaults({ tokenTtlSeconds: 1 });
    const app = emu.addRegistration({ name: 'short-lived' }); // its own token, not the cached 8 h one
    const client = connect({ refreshMarginMs: 0, clientId: app.clientId, clientSecret: app.secret });
    await client.listPage({ ...computers, offset: 0, limit: 1 });
    const tokens = client.tokenRequests;
    await new Promise((r) => setTimeout(r, 1100));
    await client.listPage({ ...computers, offset: 0, limit: 1 });
    assert.equal(client.tokenRequests - tokens, 1);
    assert.equal(client.tokenRequests, 2);
    emu.setFaults({});
    await failure(connect({ clientSecret: 'wrong-secret-value' }).authenticate(), 'BadCredentials');
  });
});
