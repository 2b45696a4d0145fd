/**
 * Custom search attributes of sync runs, so the Web UI can filter them:
 * `JobId = "acme" AND SyncTrigger = "manual" AND SyncOutcome = "failed"`.
 */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { RunOutcome, SyncJobConfig, Trigger } from './sync-types';

export const SA_JOB_ID = defineSearchAttributeKey('JobId', SearchAttributeType.KEYWORD);
export const SA_SITE = defineSearchAttributeKey('AlloyScanSite', SearchAttributeType.KEYWORD);
export const SA_TRIGGER = defineSearchAttributeKey('SyncTrigger', SearchAttributeType.KEYWORD);
export const SA_OUTCOME = defineSearchAttributeKey('SyncOutcome', SearchAttributeType.KEYWORD);

export const SYNC_SEARCH_ATTRIBUTES = [SA_JOB_ID, SA_SITE, SA_TRIGGER, SA_OUTCOME];

/**
 * Every search attribute of a run starting now (a started run, a scheduled one, a follow-up
 * after continue-as-new, which replaces the whole list: give all of them, or the run drops
 * out of JobId filters).
 */
export function runSearchAttributes(
  job: Pick<SyncJobConfig, 'id' | 'siteUrl'>,
  trigger: Trigger,
  outcome: RunOutcome | 'running' = 'running',
): SearchAttributePair[] {
  return [
    { key: SA_JOB_ID, value: job.id },
    { key: SA_SITE, value: job.siteUrl },
    { key: SA_TRIGGER, value: trigger },
    { key: SA_OUTCOME, value: outcome },
  ];
}

/** Visibility query for the runs of a job still in progress (job ids are [a-z0-9-]: no quoting needed). */
export function runningRunsQuery(jobId: string): string {
  return `${SA_JOB_ID.name} = '${jobId}' AND ExecutionStatus = 'Running'`;
}

/** The run's one-line summary in the Web UI (its user metadata), fixed when it starts. */
export function runSummary(
  job: Pick<SyncJobConfig, 'id'>,
  trigger: Trigger,
  opts: { full?: boolean | undefined; dryRun?: boolean | undefined } = {},
): string {
  // Without --full, authenticate decides (a first run, a due full run, a changed filter): the
  // live details say which it was.
  const kind = opts.full ? 'full pass' : 'changed-only unless a full pass is due';
  return `sync ${job.id}: ${trigger === 'schedule' ? 'scheduled' : 'manual'}, ${kind}${opts.dryRun ? ', dry run' : ''}`;
}

/** The run's static details (Markdown): where it reads from. */
export function runDetails(
  job: Pick<SyncJobConfig, 'id' | 'siteUrl' | 'pageSize' | 'pageConcurrency'>,
): string {
  return `job **${job.id}** · site ${job.siteUrl} · pages of ${job.pageSize}, ${job.pageConcurrency} at once`;
}
