/** The verify & report step: compare the source with the store, and keep the report in the run log. */
import { SAMPLE_SIZE } from '../common/counts';
import type { QuarantinedRecord } from '../common/domain';
import type { RunReport, SyncJobConfig } from '../common/sync-types';
import { DEFAULT_RETENTION_DAYS } from './store/retention';
import type { RunTally, StoreCounts } from './store/store-types';
import type { ActivityDeps } from './deps';
import { activityMeter, recordRunMetrics } from './metrics';
import { asActivity, currentContext } from './run-helpers';

export interface VerifyInput {
  job: SyncJobConfig;
  /** The run whose listing decides which retired records are still in the source. */
  runId?: string;
  /** The run's final re-list sweep (0 or absent: the pass), for `unseen`. */
  sweep?: number;
}

export interface VerifyOutput extends StoreCounts {
  /** What the run's batches committed, summed: exact even when page attempts were retried. */
  tally?: RunTally | undefined;
  /** The records the run quarantined, each once, and the first few. */
  quarantine?: { count: number; sample: QuarantinedRecord[] } | undefined;
  /** Live records the run's final listing did not list (after the walk: those it confirmed present). */
  unseen?: number;
  /** Records the run flagged missing (devices its pages found gone, and those the walk confirmed gone). */
  flaggedByRun?: number;
}

export function createVerifyCounts(deps: ActivityDeps) {
  /** Devices and Discovered Installations the store holds for the job, and what this run committed. */
  return async function verifyCounts(input: VerifyInput): Promise<VerifyOutput> {
    return asActivity(async () => {
      const { job, runId } = input;
      await deps.store.refreshStatistics();
      const counts = await deps.store.counts(job.id, runId);
      if (!runId) return counts;
      const tally = await deps.store.runTally(job.id, runId);
      const quarantine = await deps.store.quarantineSummary(job.id, runId, SAMPLE_SIZE);
      const unseen = await deps.store.countUnseen(job.id, runId, input.sweep);
      const flaggedByRun = await deps.store.flaggedBy(job.id, runId);
      return { ...counts, tally, quarantine, unseen, flaggedByRun };
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
      // A run that did its pass is the only one of its job: the leftovers of failed runs, and
      // what is past retention, go now (a run that stood down leaves the running one's rows).
      if (report.outcome !== 'skipped') await applyRetention(deps, report);
      recordRunMetrics(activityMeter(), report);
    });
  };
}

async function applyRetention(deps: ActivityDeps, report: RunReport): Promise<void> {
  const days = deps.retentionDays ?? DEFAULT_RETENTION_DAYS;
  const now = (deps.now ?? (() => new Date()))().getTime();
  const before = new Date(now - days * 86_400_000).toISOString();
  const scratch = await deps.store.dropStaleScratch(report.jobId, report.runId);
  const pruned = await deps.store.pruneRunLog(report.jobId, before);
  if (scratch + pruned.runs + pruned.quarantined > 0)
    currentContext()?.log.info('retention applied', {
      jobId: report.jobId,
      retentionDays: days,
      scratchRows: scratch,
      ...pruned,
    });
}
