import assert from 'node:assert/strict';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import type { SqlSyncStore } from '../../activities/store';
import { engines } from '../helpers/stores';
import { jobConfig } from '../helpers/jobs';
import { device, devices, install } from './fixtures';

const REASON = '1 products changed software group';

for (const engine of engines()) {
  describe(`batch ledger and full-pass reason on ${engine.name}`, () => {
    let store: SqlSyncStore;
    beforeEach(async () => {
      store = await engine.open();
    });
    afterEach(async () => {
      await store.close();
    });
    after(() => engine.cleanup());

    const batchRows = () => store.db.selectFrom('run_batches').selectAll().orderBy('batch_key').execute();

    it('returns the first commit of a batch again when a retry re-applies it', async () => {
      await store.insertManualRecord('computer', { source: 'manual', name: 'old', serialNumber: 'SN-dev-0' });
      const page = devices(5, 3);
      const batch = { runId: 'r1', key: 'page-0' };
      const first = await store.applyDevicePage('job', page, { batch });
      assert.deepEqual(
        {
          added: first.added,
          updated: first.updated,
          unchanged: first.unchanged,
          adopted: first.adopted,
          installationsAdded: first.installationsAdded,
        },
        { added: 4, updated: 1, unchanged: 0, adopted: { serial: 1 }, installationsAdded: 15 },
      );
      assert.deepEqual(await store.applyDevicePage('job', page, { batch }), first, 'not zero');
      assert.deepEqual(await store.applyDevicePage('job', [...page, ...page], { batch }), first);
      const fresh = await store.applyDevicePage('job', page, { batch: { runId: 'r1', key: 'page-1' } });
      assert.deepEqual(
        {
          added: fresh.added,
          updated: fresh.updated,
          unchanged: fresh.unchanged,
          installationsAdded: fresh.installationsAdded,
        },
        { added: 0, updated: 0, unchanged: 5, installationsAdded: 0 },
      );
      const rows = await batchRows();
      assert.deepEqual(
        rows.map((r) => ({ run_id: r.run_id, batch_key: r.batch_key })),
        [
          { run_id: 'r1', batch_key: 'page-0' },
          { run_id: 'r1', batch_key: 'page-1' },
        ],
      );
      assert.deepEqual(JSON.parse(rows[0]?.result ?? '{}'), first);
    });

    it('sums what every batch of a run committed, however often batches were re-applied', async () => {
      const a = devices(4, 2);
      const b = devices(3, 1).map((d) => ({ ...d, sourceId: `b-${d.sourceId}`, serialNumber: undefined }));
      await store.applyDevicePage('job', a, { batch: { runId: 'r9', key: 'p0' } });
      await store.applyDevicePage('job', a, { batch: { runId: 'r9', key: 'p0' } }); // a retried attempt
      await store.applyDevicePage('job', b, { batch: { runId: 'r9', key: 'p1' } });
      const tally = await store.runTally('job', 'r9');
      assert.deepEqual(
        {
          batches: tally.batches,
          added: tally.added,
          updated: tally.updated,
          installationsAdded: tally.installationsAdded,
        },
        { batches: 2, added: 7, updated: 0, installationsAdded: 4 * 2 + 3 * 1 },
      );
      await store.endRun('job', 'r9');
      assert.equal((await store.runTally('job', 'r9')).batches, 0);
    });

    it('adds a later change of the batch to its total, never counting unchanged below zero', async () => {
      const batch = { runId: 'r1', key: 'k' };
      const v1 = device({ sourceId: 'd1', name: 'pc', installations: [install('p1')] });
      await store.applyDevicePage('job', [v1], { batch });
      const v2 = device({ sourceId: 'd1', name: 'pc', installations: [install('p1'), install('p2')] });
      const total = await store.applyDevicePage('job', [v2], { batch });
      assert.deepEqual(
        {
          added: total.added,
          updated: total.updated,
          unchanged: total.unchanged,
          installationsAdded: total.installationsAdded,
          samples: total.samples,
        },
        {
          added: 1,
          updated: 1,
          unchanged: 0,
          installationsAdded: 2,
          samples: { added: ['pc'], updated: ['pc'] },
        },
      );
    });

    it('writes no ledger row on a dry run, and endRun drops the run rows only', async () => {
      const page = devices(3);
      const dry = await store.applyDevicePage('job', page, {
        dryRun: true,
        batch: { runId: 'r1', key: 'k' },
      });
      assert.equal(dry.added, 3);
      assert.deepEqual(await batchRows(), []);
      await store.applyDevicePage('job', page, { batch: { runId: 'r1', key: 'k' } });
      await store.applyDevicePage('job', page, { batch: { runId: 'r2', key: 'k' } });
      await store.applyDevicePage('other', page, { batch: { runId: 'r1', key: 'k' } });
      await store.endRun('job', 'r1');
      const left = (await batchRows())
        .map((r) => ({ job_id: r.job_id, run_id: r.run_id }))
        .sort((a, b) => a.job_id.localeCompare(b.job_id) || a.run_id.localeCompare(b.run_id));
      assert.deepEqual(left, [
        { job_id: 'job', run_id: 'r2' },
        { job_id: 'other', run_id: 'r1' },
      ]);
    });

    it('keeps a pending full pass across job upserts until it is cleared', async () => {
      await store.upsertJob(jobConfig('job'));
      await store.upsertCatalog('job', [{ id: 'p1', name: 'Office', softwareGroup: 'Required' }]);
      assert.equal(await store.fullPassReason('job'), undefined, 'new products: no change');
      await store.upsertCatalog('job', [{ id: 'p1', name: 'Office', softwareGroup: 'Regular' }]);
      assert.equal(await store.fullPassReason('job'), REASON);
      await store.upsertJob(jobConfig('job', { enabled: false }));
      assert.equal(await store.fullPassReason('job'), REASON, 'upsertJob keeps it');
      await store.clearFullPassReason('job');
      assert.equal(await store.fullPassReason('job'), undefined);
      await store.upsertCatalog('job', [{ id: 'p1', name: 'Office 2', softwareGroup: 'Regular' }]);
      assert.equal(await store.fullPassReason('job'), undefined, 'same group: no reason');
    });

    it('creates no job row for a group change of an unknown job', async () => {
      await store.upsertCatalog('nojob', [{ id: 'p1', name: 'Office', softwareGroup: 'Required' }]);
      const res = await store.upsertCatalog('nojob', [{ id: 'p1', name: 'Office', softwareGroup: 'Other' }]);
      assert.equal(res.groupChanged, 1);
      assert.equal(await store.fullPassReason('nojob'), undefined);
      assert.deepEqual(await store.db.selectFrom('sync_jobs').select('id').execute(), []);
    });
  });
}
