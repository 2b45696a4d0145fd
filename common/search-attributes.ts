/**
 * Custom search attributes of sync runs, so the Web UI can filter them:
 * `JobId = "acme" AND SyncTrigger = "manual" AND SyncOutcome = "failed"`.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SA_JOB_ID = defineSearchAttributeKey('JobId', SearchAttributeType.KEYWORD);
export const SA_SITE = defineSearchAttributeKey('AlloyScanSite', SearchAttributeType.KEYWORD);
export const SA_TRIGGER = defineSearchAttributeKey('SyncTrigger', SearchAttributeType.KEYWORD);
export const SA_OUTCOME = defineSearchAttributeKey('SyncOutcome', SearchAttributeType.KEYWORD);

export const SYNC_SEARCH_ATTRIBUTES = [SA_JOB_ID, SA_SITE, SA_TRIGGER, SA_OUTCOME];

/** Visibility query for the runs of a job still in progress (job ids are [a-z0-9-]: no quoting needed). */
export function runningRunsQuery(jobId: string): string {
  return `${SA_JOB_ID.name} = '${jobId}' AND ExecutionStatus = 'Running'`;
}
