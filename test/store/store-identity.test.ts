import assert from 'node:assert/strict';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import type { SqlSyncStore } from '../../activities/store';
import { engines } from '../helpers/stores';
import { device } from './fixtures';

for (const engine of engines()) {
  describe(`identity ladder on ${engine.name}`, () => {
    let store: SqlSyncStore;
    beforeEach(async () => {
      store = await engine.open();
    });
    afterEach(async () => {
      await store.close();
    });
    after(() => engine.cleanup());

    async function computers() {
      return store.listRecords('computer');
    }

    it('adopts a hand-made record by serial number instead of duplicating it', async () => {
      const id = await store.insertManualRecord('computer', {
        source: 'manual',
        name: 'old-name',
        serialNumber: ' ab123 ',
      });
      const res = await store.applyDevicePage('job', [
        device({ sourceId: 's1', name: 'PC-7', serialNumber: 'AB123' }),
      ]);
      assert.deepEqual(
        { added: res.added, updated: res.updated, adopted: res.adopted },
        { added: 0, updated: 1, adopted: { serial: 1 } },
      );
      const [rec, ...rest] = await computers();
      assert.equal(rest.length, 0);
      assert.deepEqual(
        {
          id: rec?.id,
          sourceId: rec?.sourceId,
          jobId: rec?.jobId,
          identityRule: rec?.identityRule,
          status: rec?.status,
          source: rec?.source,
          name: rec?.name,
        },
        {
          id,
          sourceId: 's1',
          jobId: 'job',
          identityRule: 'serial',
          status: 'Active',
          source: 'manual',
          name: 'PC-7',
        },
      );
    });

    it('adopts a legacy Network Inventory record by MAC when the serial is junk', async () => {
      const id = await store.insertManualRecord('computer', {
        source: 'network-inventory',
        name: 'legacy',
        serialNumber: 'To be filled by O.E.M.',
        macAddress: '00-1A-2B-3C-4D-5E',
      });
      const d = device({
        sourceId: 's1',
        name: 'other',
        serialNumber: 'To be filled by O.E.M.',
        macAddress: '001a.2b3c.4d5e',
      });
      const res = await store.applyDevicePage('job', [d]);
      assert.deepEqual(res.adopted, { mac: 1 });
      assert.equal((await store.findRecord('job', 's1'))?.recordId, id);
      assert.equal((await store.findRecord('job', 's1'))?.identityRule, 'mac');
    });

    it('adopts by name, case-insensitively, when serial and MAC do not identify', async () => {
      const id = await store.insertManualRecord('computer', { source: 'manual', name: 'Reception-PC' });
      const res = await store.applyDevicePage('job', [
        device({ sourceId: 's1', name: 'RECEPTION-pc', serialNumber: '0' }),
      ]);
      assert.deepEqual(res.adopted, { name: 1 });
      assert.equal((await store.findRecord('job', 's1'))?.recordId, id);
    });

    it('identifies a linked device by its AlloyScan id even after its serial, MAC and name changed', async () => {
      await store.applyDevicePage('job', [
        device({ sourceId: 's1', name: 'a', serialNumber: 'S1', macAddress: '02:00:00:00:00:01' }),
      ]);
      const before = await store.findRecord('job', 's1');
      const res = await store.applyDevicePage('job', [
        device({ sourceId: 's1', name: 'b', serialNumber: 'S2' }),
      ]);
      assert.deepEqual(
        { added: res.added, updated: res.updated, adopted: res.adopted },
        { added: 0, updated: 1, adopted: {} },
      );
      assert.equal((await store.findRecord('job', 's1'))?.recordId, before?.recordId);
      assert.equal((await computers()).length, 1);
    });

    it('never matches on a junk serial', async () => {
      for (const junk of ['Default string', 'System Serial Number', 'N/A', '']) {
        await store.insertManualRecord('computer', {
          source: 'manual',
          name: `m-${junk}`,
          serialNumber: junk,
        });
      }
      const res = await store.applyDevicePage('job', [
        device({ sourceId: 's1', name: 'n1', serialNumber: 'Default string' }),
        device({ sourceId: 's2', name: 'n2', serialNumber: 'system serial number' }),
      ]);
      assert.deepEqual({ added: res.added, adopted: res.adopted }, { added: 2, adopted: {} });
      assert.equal(
        (await computers()).filter((r) => r.source === 'manual' && r.sourceId !== undefined).length,
        0,
      );
    });

    it('keeps devices apart when several records share their serial', async () => {
      await store.insertManualRecord('computer', {
        source: 'manual',
        name: 'clone-a',
        serialNumber: 'VM-0001',
      });
      await store.insertManualRecord('computer', {
        source: 'manual',
        name: 'clone-b',
        serialNumber: 'VM-0001',
      });
      const res = await store.applyDevicePage('job', [
        device({ sourceId: 's1', name: 'clone-c', serialNumber: 'VM-0001' }),
      ]);
      assert.deepEqual({ added: res.added, adopted: res.adopted }, { added: 1, adopted: {} });
    });

    it('does not match on a serial that several devices of the page share, but tries the next rung', async () => {
      const byName = await store.insertManualRecord('computer', {
        source: 'manual',
        name: 'twin-1',
        serialNumber: 'DUP',
      });
      const res = await store.applyDevicePage('job', [
        device({ sourceId: 's1', name: 'twin-1', serialNumber: 'DUP' }),
        device({ sourceId: 's2', name: 'twin-2', serialNumber: 'DUP' }),
      ]);
      assert.deepEqual({ added: res.added, adopted: res.adopted }, { added: 1, adopted: { name: 1 } });
      assert.equal((await store.findRecord('job', 's1'))?.recordId, byName);
    });

    it('gives a second device with the same serial its own record once the first adopted the match', async () => {
      const id = await store.insertManualRecord('computer', {
        source: 'manual',
        name: 'm',
        serialNumber: 'SHARED-1',
      });
      await store.applyDevicePage('job', [
        device({ sourceId: 's1', name: 'first', serialNumber: 'SHARED-1' }),
      ]);
      const res = await store.applyDevicePage('job', [
        device({ sourceId: 's2', name: 'second', serialNumber: 'SHARED-1' }),
      ]);
      assert.deepEqual({ added: res.added, adopted: res.adopted }, { added: 1, adopted: {} });
      assert.equal((await store.findRecord('job', 's1'))?.recordId, id);
      assert.notEqual((await store.findRecord('job', 's2'))?.recordId, id);
    });

    it('lets one record be adopted by one device only, even when two rungs point at it', async () => {
      const id = await store.insertManualRecord('computer', {
        source: 'manual',
        name: 'shared',
        serialNumber: 'S-9',
      });
      const res = await store.applyDevicePage('job', [
        device({ sourceId: 's1', name: 'x', serialNumber: 'S-9' }),
        device({ sourceId: 's2', name: 'shared' }),
      ]);
      assert.deepEqual({ added: res.added, adopted: res.adopted }, { added: 1, adopted: { serial: 1 } });
      assert.equal((await store.findRecord('job', 's1'))?.recordId, id);
    });

    it('neither adopts nor revives a retired record', async () => {
      const id = await store.insertManualRecord('computer', {
        source: 'manual',
        name: 'gone',
        serialNumber: 'RET-1',
      });
      await store.retire('computer', String(id), '2024-01-01T00:00:00Z');
      const res = await store.applyDevicePage('job', [
        device({ sourceId: 's1', name: 'gone', serialNumber: 'RET-1' }),
      ]);
      assert.deepEqual({ added: res.added, adopted: res.adopted }, { added: 1, adopted: {} });
      const old = (await computers()).find((r) => r.id === id);
      assert.deepEqual(
        { status: old?.status, sourceId: old?.sourceId },
        { status: 'Retired', sourceId: undefined },
      );
    });

    it('matches only records of the same kind (Computers vs Hardware)', async () => {
      await store.insertManualRecord('hardware', {
        source: 'manual',
        name: 'printer-1',
        serialNumber: 'PR-1',
      });
      const res = await store.applyDevicePage('job', [
        device({ sourceId: 's1', name: 'printer-1', serialNumber: 'PR-1' }),
      ]);
      assert.deepEqual({ added: res.added, adopted: res.adopted }, { added: 1, adopted: {} });
      const hw = await store.applyDevicePage('job', [
        device({ sourceId: 'h1', kind: 'hardware', deviceType: 'printer', serialNumber: 'PR-1' }),
      ]);
      assert.deepEqual(hw.adopted, { serial: 1 });
    });

    it('does not adopt a record already linked to another AlloyScan device or job', async () => {
      await store.applyDevicePage('site-a', [device({ sourceId: 'a1', name: 'dual', serialNumber: 'S-1' })]);
      const res = await store.applyDevicePage('site-b', [
        device({ sourceId: 'b1', name: 'dual', serialNumber: 'S-1' }),
      ]);
      assert.deepEqual({ added: res.added, adopted: res.adopted }, { added: 1, adopted: {} });
    });
  });
}
