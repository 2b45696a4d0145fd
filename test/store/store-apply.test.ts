import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { SqlSyncStore } from '../../activities/store';
import { engines } from '../helpers/stores';
import { device, devices, install } from './fixtures';

for (const engine of engines()) {
  describe(`applyDevicePage on ${engine.name}`, () => {
    let store: SqlSyncStore;
    beforeEach(async () => {
      store = await engine.open();
    });
    afterEach(async () => {
      await store.close();
    });
    after(() => engine.cleanup());

    async function snapshot(jobId: string) {
      const records = [
        ...(await store.listRecords('computer', jobId)),
        ...(await store.listRecords('hardware', jobId)),
      ];
      const installs = await Promise.all(records.map((r) => store.listInstallations(r.kind, r.id)));
      return { records, installs };
    }

    it('leaves the same rows, untouched, when the same page is applied twice', async () => {
      const page = devices(20, 5);
      const first = await store.applyDevicePage('job', page);
      assert.equal(first.added, 20);
      assert.equal(first.installationsAdded, 100);
      const before = await snapshot('job');
      const second = await store.applyDevicePage('job', page);
      assert.deepEqual(
        { ...second, samples: undefined },
        {
          added: 0,
          updated: 0,
          unchanged: 20,
          adopted: {},
          installationsAdded: 0,
          installationsUpdated: 0,
          installationsRemoved: 0,
          samples: undefined,
        },
      );
      assert.deepEqual(await snapshot('job'), before, 'not even updated_at moved');
    });

    it('creates new records as Auto-Added, linked to the job and source id', async () => {
      await store.applyDevicePage('job', [
        device({ sourceId: 'a1', name: 'PC-1', macAddress: 'AA-BB-CC-DD-EE-01' }),
      ]);
      const rec = await store.findRecord('job', 'a1');
      assert.deepEqual(rec, {
        kind: 'computer',
        recordId: rec?.recordId,
        name: 'PC-1',
        status: 'Auto-Added',
        missingFromAlloyScan: false,
        missingConfirmedAt: undefined,
        identityRule: 'new',
      });
      const [row] = await store.listRecords('computer');
      assert.equal(row?.macAddress, 'aa:bb:cc:dd:ee:01', 'MAC stored in lower-case colon form');
      assert.equal(row?.source, 'alloyscan');
    });

    it('adds, updates and removes the installations of a device whose software changed', async () => {
      const v1 = device({
        sourceId: 'd1',
        name: 'pc',
        installations: [install('p1'), install('p2'), install('p3')],
      });
      await store.applyDevicePage('job', [v1, ...devices(3)]);
      const v2 = device({
        sourceId: 'd1',
        name: 'pc',
        installations: [
          install('p1'),
          install('p2', { version: '2.0' }),
          install('p4', { installDate: '2024-05-01' }),
        ],
      });
      const res = await store.applyDevicePage('job', [v2, ...devices(3)]);
      assert.deepEqual(
        {
          updated: res.updated,
          unchanged: res.unchanged,
          installationsAdded: res.installationsAdded,
          installationsUpdated: res.installationsUpdated,
          installationsRemoved: res.installationsRemoved,
        },
        { updated: 1, unchanged: 3, installationsAdded: 1, installationsUpdated: 1, installationsRemoved: 1 },
      );
      const rec = await store.findRecord('job', 'd1');
      const rows = await store.listInstallations('computer', rec?.recordId ?? -1);
      assert.deepEqual(
        rows.map((r) => ({ product_id: r.product_id, version: r.version, install_date: r.install_date })),
        [
          { product_id: 'p1', version: '1.0', install_date: null },
          { product_id: 'p2', version: '2.0', install_date: null },
          { product_id: 'p4', version: '1.0', install_date: '2024-05-01' },
        ],
      );
      const counts = await store.counts('job');
      assert.equal(counts.installations, 3 + 3 * 3);
      assert.equal(counts.expectedInstallations, counts.installations);
    });

    it('removes every installation when a device uninstalls all its software', async () => {
      await store.applyDevicePage('job', [
        device({ sourceId: 'd1', name: 'pc', installations: [install('p1')] }),
      ]);
      const res = await store.applyDevicePage('job', [
        device({ sourceId: 'd1', name: 'pc', installations: [] }),
      ]);
      assert.equal(res.installationsRemoved, 1);
      assert.equal((await store.counts('job')).installations, 0);
    });

    it('rolls a dry run back and still reports what it would do, with samples', async () => {
      const res = await store.applyDevicePage('job', devices(5, 2), { dryRun: true, sampleSize: 2 });
      assert.equal(res.added, 5);
      assert.equal(res.installationsAdded, 10);
      assert.deepEqual(res.samples, { added: ['pc-dev-0', 'pc-dev-1'], updated: [] });
      assert.deepEqual(await store.listRecords('computer'), []);
      assert.equal((await store.counts('job')).installations, 0);
    });

    it('keeps the last entry of a device or product listed twice', async () => {
      const a = device({
        sourceId: 'd1',
        name: 'first',
        installations: [install('p1'), install('p1', { version: '9' })],
      });
      const b = device({ sourceId: 'd1', name: 'second', installations: [install('p1', { version: '3' })] });
      const res = await store.applyDevicePage('job', [a, b]);
      assert.equal(res.added, 1);
      const rows = await store.listInstallations(
        'computer',
        (await store.findRecord('job', 'd1'))?.recordId ?? -1,
      );
      assert.deepEqual(
        rows.map((r) => r.version),
        ['3'],
      );
      await store.applyDevicePage('job', [a]);
      const again = await store.listInstallations(
        'computer',
        (await store.findRecord('job', 'd1'))?.recordId ?? -1,
      );
      assert.deepEqual(
        again.map((r) => r.version),
        ['9'],
      );
      assert.equal((await store.counts('job')).expectedInstallations, 1);
    });

    it('moves a device reclassified to the other kind, with its installations', async () => {
      const asHardware = device({ sourceId: 'x', name: 'box', kind: 'hardware', deviceType: 'unknown' });
      await store.applyDevicePage('job', [asHardware]);
      const asComputer = device({
        sourceId: 'x',
        name: 'box',
        installations: [install('p1'), install('p2')],
      });
      const res = await store.applyDevicePage('job', [asComputer]);
      assert.equal(res.updated, 1);
      assert.equal(res.installationsAdded, 2);
      assert.deepEqual(await store.listRecords('hardware'), []);
      const [moved] = await store.listRecords('computer');
      assert.equal(moved?.status, 'Auto-Added');
      assert.equal(moved?.deviceType, 'computer');
      const counts = await store.counts('job');
      assert.deepEqual(
        { computers: counts.computers, hardware: counts.hardware, installations: counts.installations },
        { computers: 1, hardware: 0, installations: 2 },
      );
    });

    it('keeps values AlloyScan stopped sending (it never erases a field)', async () => {
      await store.applyDevicePage('job', [
        device({ sourceId: 'd1', name: 'pc', assetTag: 'AT-1', ipAddress: '10.0.0.1' }),
      ]);
      await store.applyDevicePage('job', [device({ sourceId: 'd1', name: 'pc', ipAddress: '10.0.0.2' })]);
      const [rec] = await store.listRecords('computer');
      assert.deepEqual(
        { assetTag: rec?.assetTag, ipAddress: rec?.ipAddress },
        { assetTag: 'AT-1', ipAddress: '10.0.0.2' },
      );
    });

    it('reports stored state per source id, and nothing for devices new to the job', async () => {
      await store.applyDevicePage('job', [
        device({ sourceId: 'd1', auditId: 'au-1', lastSeen: '2024-01-01T00:00:00Z' }),
      ]);
      const states = await store.getDeviceStates('job', ['d1', 'd2']);
      assert.equal(states.size, 1);
      assert.equal(states.get('d1')?.auditId, 'au-1');
      assert.equal(states.get('d1')?.lastSeen, '2024-01-01T00:00:00Z');
      assert.ok(states.get('d1')?.contentHash);
      assert.equal((await store.getDeviceStates('other-job', ['d1'])).size, 0);
    });

    it('counts devices and installations per job', async () => {
      await store.applyDevicePage('a', devices(4, 2, 'a'));
      await store.applyDevicePage('b', [...devices(2, 5, 'b'), device({ sourceId: 'hw', kind: 'hardware' })]);
      assert.deepEqual(await store.counts('b'), {
        computers: 2,
        hardware: 1,
        liveDevices: 3,
        installations: 10,
        expectedInstallations: 10,
        flaggedMissing: 0,
        retiredInSource: 0,
      });
      assert.equal((await store.counts('a')).installations, 8);
    });
  });
}

describe('concurrent pages on PostgreSQL', () => {
  const engine = engines().find((e) => e.name === 'postgres')!;
  let store: SqlSyncStore;
  before(async () => {
    store = await engine.open();
  });
  after(async () => {
    await store?.close();
    await engine.cleanup();
  });

  it('apply pages sharing catalog products, four at once, without a deadlock', async () => {
    // Every page installs the same products, each page in its own order: the catalog rows
    // they share are where concurrent transactions used to lock in different orders.
    const products = Array.from({ length: 40 }, (_, i) => `prod-${String(i).padStart(3, '0')}`);
    const page = (p: number) =>
      Array.from({ length: 50 }, (_, i) =>
        device({
          sourceId: `p${p}-d${i}`,
          name: `pc-${p}-${i}`,
          installations: rotated(products, p * 7 + i)
            .slice(0, 20)
            .map((id) => install(id, { platform: (p + i) % 2 ? 'Windows' : undefined })),
        }),
      );
    const rotated = (list: string[], by: number) => {
      const k = by % list.length;
      const out = [...list.slice(k), ...list.slice(0, k)];
      return by % 2 ? out.reverse() : out;
    };
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async (_, worker) => {
        for (let p = worker; p < 64; p += 4) {
          await store
            .applyDevicePage('job', page(p), { batch: { runId: 'run', key: String(p) } })
            .catch((err: unknown) => failures.push(String((err as { code?: unknown }).code ?? err)));
        }
      }),
    );
    assert.deepEqual(failures, []);
    assert.equal((await store.counts('job')).liveDevices, 64 * 50);
  });
});
