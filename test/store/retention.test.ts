import assert from 'node:assert/strict';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { createRecordRun } from '../../activities/report';
import type { SqlSyncStore } from '../../activities/store';
import type { RunReport } from '../../common/sync-types';
import { engines } from '../helpers/stores';

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00.000Z');
const daysAgo = (n: number): string => new Date(NOW.getTime() - n * DAY).toISOString();

function report(runId: string, finishedAt: string, outcome: RunReport['outcome'] = 'succeeded'): RunReport {
  const partial = {
    runId,
    workflowId: `sync-job-${runId}`,
    jobId: 'job',
    trigger: 'schedule',
    full: false,
    dryRun: false,
    complete: true,
    outcome,
    startedAt: finishedAt,
    finishedAt,
    durationMs: 1000,
    verify: {
      sourceDevices: 1,
      importedDevices: 1,
      expectedInstallations: 0,
      storedInstallations: 0,
      ok: true,
    },
    message: 'ok',
  };
  return partial as RunReport;
}

async function quarantine(store: SqlSyncStore, runId: string, at: string): Promise<void> {
  await store.saveQuarantine('job', runId, [
    { sourceId: `d-${runId}`, kind: 'device', reason: 'bad', rawExcerpt: '{}' },
  ]);
  await store.db
    .updateTable('quarantined_records')
    .set({ created_at: at })
    .where('run_id', '=', runId)
    .execute();
}

const runIds = async (store: SqlSyncStore): Promise<string[]> =>
  (await store.db.selectFrom('sync_runs').select('run_id').orderBy('run_id').execute()).map((r) => r.run_id);
const quarantinedRuns = async (store: SqlSyncStore): Promise<string[]> =>
  (await store.db.selectFrom('quarantined_records').select('run_id').orderBy('run_id').execute()).map(
    (r) => r.run_id,
  );
const scratchRuns = async (store: SqlSyncStore): Promise<string[]> => {
  const seen = await store.db.selectFrom('run_seen').select('run_id').distinct().execute();
  const batches = await store.db.selectFrom('run_batches').select('run_id').distinct().execute();
  return [...new Set([...seen, ...batches].map((r) => r.run_id))].sort();
};

for (const engine of engines()) {
  describe(`retention on ${engine.name}`, () => {
    let store: SqlSyncStore;
    beforeEach(async () => {
      store = await engine.open();
    });
    afterEach(() => store.close());
    after(() => engine.cleanup());

    it('a run drops the run log and quarantine past retentionDays, keeping the last success', async () => {
      await store.saveRunReport(report('a-old-ok', daysAgo(200)));
      await store.saveRunReport(report('b-old-failed', daysAgo(100), 'failed'));
      await store.saveRunReport(report('c-recent', daysAgo(10), 'failed'));
      await quarantine(store, 'a-old-ok', daysAgo(200));
      await quarantine(store, 'c-recent', daysAgo(10));
      const recordRun = createRecordRun({
        store,
        clientFor: () => assert.fail(),
        now: () => NOW,
        retentionDays: 30,
      });
      await recordRun(report('d-now', NOW.toISOString(), 'failed'));
      // a-old-ok is the job's last success: "last success" and its alert survive a long outage.
      assert.deepEqual(await runIds(store), ['a-old-ok', 'c-recent', 'd-now']);
      assert.deepEqual(await quarantinedRuns(store), ['c-recent']);
      // The default, 90 days; e-now is the last success now, so a-old-ok goes.
      await createRecordRun({ store, clientFor: () => assert.fail(), now: () => NOW })(
        report('e-now', NOW.toISOString()),
      );
      assert.deepEqual(await runIds(store), ['c-recent', 'd-now', 'e-now']);
    });

    it("the next run drops the scratch rows a failed run left; a run that stood down leaves the running one's", async () => {
      await store.markSeen('job', 'failed-run', 0, ['x', 'y']);
      await store.markSeen('job', 'running', 0, ['x']);
      await store.markSeen('other-job', 'theirs', 0, ['x']);
      const recordRun = createRecordRun({ store, clientFor: () => assert.fail(), now: () => NOW });
      await recordRun(report('stood-down', NOW.toISOString(), 'skipped'));
      assert.deepEqual(await scratchRuns(store), ['failed-run', 'running', 'theirs']);
      await recordRun(report('running', NOW.toISOString()));
      assert.deepEqual(await scratchRuns(store), ['theirs']);
    });
  });
}
