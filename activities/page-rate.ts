/** A page attempt's rate budget: its share of the job's rate, and what earlier attempts learned. */
import type { RateShare, SyncJobConfig } from '../common/sync-types';
import { RateBudget } from './alloyscan/rate-budget';
import type { CarriedRate } from './page-cursor';
import { lastHeartbeat } from './run-helpers';

/**
 * The page's budget: its share of the job's rate, starting where the job's pages left it, or
 * where an earlier attempt of this page left it (in proportion to the share it had then),
 * with that attempt's calls and 429s carried into the report.
 */
export function pageBudget(input: { job: SyncJobConfig; rate?: RateShare | undefined }): RateBudget {
  const ceiling = input.rate?.ceiling ?? input.job.requestsPerSecond;
  const earlier = lastHeartbeat<{ rate?: CarriedRate }>()?.rate;
  const start = earlier ? earlier.rate * (ceiling / earlier.ceiling) : input.rate?.start;
  const budget = new RateBudget({ ceiling, start });
  if (earlier) budget.carry(earlier);
  return budget;
}

export function carriedRate(budget: RateBudget): CarriedRate {
  return { ...budget.state, ceiling: budget.ceiling };
}
