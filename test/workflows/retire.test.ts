import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunReport, SyncJobConfig } from '../../common/sync-types';
import { storeEngines } from '../helpers/stores';
import { jobFor, siteName } from '../helpers/sync-harness';
import { startStack, startStoreAndWorker, type Stack, type StoreAndWorker } from '../helpers/sync-fixture';

describe('retire step', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack?.stop());

  for (const engine of storeEngines()) {
    describe(`on ${engine.name}`, () => {
      let f: StoreAndWorker;
      before(async () => {
        f = await startStoreAndWorker(stack, engine);
      });
      after(() => f?.stop());
      const run = (job: SyncJobConfig, opts: { confirmMissing?: boolean } = {}): Promise<RunReport> =>
        f.run(job, opts);

      async function retireDevice(job: SyncJobConfig, sourceId: string): Promise<void> {
        const rec = await f.store.findRecord(job.id, sourceId);
        assert.ok(rec, `device ${sourceId} imported`);
        await f.store.retire(rec.kind, String(rec.recordId), new Date().toISOString());
      }

      it('keeps the AlloyScan device of a retired record when the job says keep', async () => {
        const site = stack.emulator.addSite({ name: siteName('keep'), devices: 60, seed: 3 });
        const job = jobFor(site, { onRetire: 'keep' });
        await run(job);
        const [id] = site.deviceIds({ limit: 1 });
        await retireDevice(job, id!);
        const r = await run(job);
        assert.equal(r.retire.writeBackDeleted, 0);
        assert.equal(site.deviceCount(), 60);
        assert.equal(
          r.verify.importedDevices,
          60,
          'a retired record whose device is kept still counts as imported',
        );
        site.deleteDevices([id!]); // later the device leaves AlloyScan: the retired record no longer counts
        const later = await run(job);
        assert.equal(later.verify.importedDevices, 59);
        assert.ok(later.verify.ok, later.message);
      });

      it('deletes the AlloyScan device of a retired record once when the job says delete', async () => {
        const site = stack.emulator.addSite({ name: siteName('delete'), devices: 60, seed: 4 });
        const job = jobFor(site, { onRetire: 'delete' });
        await run(job);
        const [a, b] = site.deviceIds({ limit: 2 });
        await retireDevice(job, a!);
        await retireDevice(job, b!);
        site.deleteDevices([b!]); // already gone in AlloyScan: 404 counts as done
        const r = await run(job);
        assert.equal(r.retire.writeBackDeleted, 1);
        assert.equal(r.retire.writeBackAlreadyGone, 1);
        assert.equal(site.deviceCount(), 58);
        assert.equal(r.retire.flaggedMissing, 0, 'retired records are never flagged missing');
        const again = await run(job);
        assert.equal(
          again.retire.writeBackDeleted + again.retire.writeBackAlreadyGone,
          0,
          'write-back happens once',
        );
        assert.ok(again.verify.ok, again.message);
      });

      it('flags devices missing only after a complete pass and a confirming lookup', async () => {
        const site = stack.emulator.addSite({ name: siteName('missing'), devices: 100, seed: 5 });
        const job = jobFor(site);
        await run(job);
        const gone = site.deviceIds({ offset: 10, limit: 5 });
        site.deleteDevices(gone);
        const r = await run(job);
        assert.equal(r.complete, true);
        assert.equal(r.retire.unseen, 5);
        assert.equal(r.retire.flaggedMissing, 5);
        for (const id of gone) {
          const rec = await f.store.findRecord(job.id, id);
          assert.equal(rec?.missingFromAlloyScan, true);
          assert.ok(rec?.missingConfirmedAt);
        }
        assert.equal(r.verify.importedDevices, 95);
        assert.ok(r.verify.ok, r.message);
      });

      it('stops with needs-confirmation when a pass would flag more than the threshold, and a confirmed force applies it', async () => {
        const site = stack.emulator.addSite({ name: siteName('mass'), devices: 100, seed: 6 });
        const job = jobFor(site, { missingThreshold: 0.2 });
        await run(job);
        const gone = site.deviceIds({ offset: 0, limit: 30 });
        site.deleteDevices(gone);
        const guarded = await run(job);
        assert.equal(guarded.outcome, 'needs-confirmation');
        assert.equal(guarded.retire.thresholdExceeded, true);
        assert.equal(guarded.retire.flaggedMissing, 0);
        assert.equal((await f.store.findRecord(job.id, gone[0]!))?.missingFromAlloyScan, false);
        const confirmed = await run(job, { confirmMissing: true });
        assert.equal(confirmed.outcome, 'succeeded');
        assert.equal(confirmed.retire.flaggedMissing, 30);
      });
    });
  }
});
