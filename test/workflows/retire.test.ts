import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { NavigatorStore } from '../../activities/navigator/store-types';
import { forceSync } from '../../client/force-sync';
import type { RunReport, SyncJobConfig } from '../../common/sync-types';
import { startEmulator, type Emulator } from '../../emulator';
import { storeEngines } from '../helpers/stores';
import { jobFor, siteName, startTestWorker, type RunningTestWorker } from '../helpers/sync-harness';
import { createTestEnv } from '../helpers/temporal-env';

describe('retire step', () => {
  let env: TestWorkflowEnvironment;
  let emulator: Emulator;
  before(async () => {
    env = await createTestEnv();
    emulator = await startEmulator({ port: 0 });
  });
  after(async () => {
    await emulator?.close();
    await env?.teardown();
  });

  for (const engine of storeEngines()) {
    describe(`on ${engine.name}`, () => {
      let store: NavigatorStore;
      let w: RunningTestWorker;
      before(async () => {
        store = await engine.open();
        w = await startTestWorker(env, store);
      });
      after(async () => {
        await w?.stop();
        await store?.close();
        await engine.cleanup();
      });

      async function run(job: SyncJobConfig, opts: { confirmMissing?: boolean } = {}): Promise<RunReport> {
        const res = await forceSync(env.client, job, { ...opts, taskQueue: w.taskQueue });
        return env.client.workflow.getHandle(res.workflowId).result() as Promise<RunReport>;
      }

      async function retireDevice(job: SyncJobConfig, sourceId: string): Promise<void> {
        const rec = await store.findRecord(job.id, sourceId);
        assert.ok(rec, `device ${sourceId} imported`);
        await store.retire(rec.kind, String(rec.recordId), new Date().toISOString());
      }

      it('keeps the AlloyScan device of a retired record when the job says keep', async () => {
        const site = emulator.addSite({ name: siteName('keep'), devices: 60, seed: 3 });
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
      });

      it('deletes the AlloyScan device of a retired record once when the job says delete', async () => {
        const site = emulator.addSite({ name: siteName('delete'), devices: 60, seed: 4 });
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
        const site = emulator.addSite({ name: siteName('missing'), devices: 100, seed: 5 });
        const job = jobFor(site);
        await run(job);
        const gone = site.deviceIds({ offset: 10, limit: 5 });
        site.deleteDevices(gone);
        const r = await run(job);
        assert.equal(r.complete, true);
        assert.equal(r.retire.unseen, 5);
        assert.equal(r.retire.flaggedMissing, 5);
        for (const id of gone) {
          const rec = await store.findRecord(job.id, id);
          assert.equal(rec?.missingFromAlloyScan, true);
          assert.ok(rec?.missingConfirmedAt);
        }
        assert.equal(r.verify.importedDevices, 95);
        assert.ok(r.verify.ok, r.message);
      });

      it('stops with needs-confirmation when a pass would flag more than the threshold, and a confirmed force applies it', async () => {
        const site = emulator.addSite({ name: siteName('mass'), devices: 100, seed: 6 });
        const job = jobFor(site, { missingThreshold: 0.2 });
        await run(job);
        const gone = site.deviceIds({ offset: 0, limit: 30 });
        site.deleteDevices(gone);
        const guarded = await run(job);
        assert.equal(guarded.outcome, 'needs-confirmation');
        assert.equal(guarded.retire.thresholdExceeded, true);
        assert.equal(guarded.retire.flaggedMissing, 0);
        assert.equal((await store.findRecord(job.id, gone[0]!))?.missingFromAlloyScan, false);
        const confirmed = await run(job, { confirmMissing: true });
        assert.equal(confirmed.outcome, 'succeeded');
        assert.equal(confirmed.retire.flaggedMissing, 30);
      });
    });
  }
});
