/** The verify & report step: compare the source with the store, and keep the report in the run log. */
import type { RunReport, SyncJobConfig } from '../common/sync-types';
import type { RunTally, StoreCounts } from './navigator/store-types';
import type { ActivityDeps } from './deps';
import { asActivity } from './run-helpers';

export interface VerifyInput {
  job: SyncJobConfig;
  /** The run whose listing decides which retired records are still in the source. */
  runId?: string;
}

export interface VerifyOutput extends StoreCounts {
  /** What the run's batches committed, summed: exact even when page attempts were retried. */
  tally?: RunTally | undefined;
}

export function createVerifyCounts(deps: ActivityDeps) {
  /** Devices and Discovered Installations the store holds for the job, and what this run committed. */
  return async function verifyCounts(input: VerifyInput): Promise<VerifyOutput> {
    return asActivity(async () => {
      const counts = await deps.store.counts(input.job.id, input.runId);
      const tally = input.runId ? await deps.store.runTally(input.job.id, input.runId) : undefined;
      return { ...counts, tally };
    });
  };
}

export function createRecordRun(deps: ActivityDeps) {
  /** Write the run report to the store's run log and drop the run's scratch rows. Idempotent. */
  return async function recordRun(report: RunReport): Promise<void> {
    return asActivity(async () => {
      await deps.store.saveRunReport(report);
      if (report.outcome === 'succeeded' && report.full && report.complete && !report.dryRun) {
        await deps.store.clearFullPassReason(report.jobId);
      }
      await deps.store.endRun(report.jobId, report.runId);
    });
  };
}
