/** The AlloyScan API client of a job, as the worker and `test-connection` build it. */
import { createAlloyScanClient } from '../activities/alloyscan/client';
import type { AlloyScanClient } from '../activities/alloyscan/client-types';
import type { RateBudget } from '../activities/alloyscan/rate-budget';
import type { SyncJobConfig } from '../common/sync-types';
import { resolveSecret } from './secrets';

/** The real client for a job: its secret reference is resolved here, in the worker, on each use. */
export function realClientFor(
  job: SyncJobConfig,
  opts: { budget?: RateBudget; timeoutMs?: number } = {},
): AlloyScanClient {
  return createAlloyScanClient({
    siteUrl: job.siteUrl,
    clientId: job.clientId,
    clientSecret: resolveSecret(job.clientSecret),
    tokenPath: job.tokenPath,
    requestsPerSecond: job.requestsPerSecond,
    budget: opts.budget,
    timeoutMs: opts.timeoutMs,
    jobId: job.id,
  });
}
