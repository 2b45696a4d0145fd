/** The verify & report step: compare the source with the store, and keep the report in the run log. */
import type { RunReport, SyncJobConfig } from '../common/sync-types';
import type { StoreCounts } from './navigator/store-types';
import type { ActivityDeps } from './deps';
import { asActivity } from './run-helpers';

export interface VerifyInput {
  job: SyncJobConfig;
  /** The run whose listing decides which retired records are still in the source. */
  runId?: string;
}

export function createVerifyCounts(deps: ActivityDeps) {
  /** Devices and Discovered Installations the store holds for the job, as the verify step needs them. */
  return async function verifyCounts(input: VerifyInput): Promise<StoreCounts> {
    return asActivity(() => deps.store.counts(input.job.id, input.runId));
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
