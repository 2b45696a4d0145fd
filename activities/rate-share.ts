/**
 * A page's share of the job's rate follows the pages in flight: once a second the page asks its
 * workflow (the `rateShare` query: requestsPerSecond over the pages running now) and its budget
 * moves to that share. A page left alone uses the job's whole rate; the shares of the pages
 * running at once never add up to more than it, on any number of workers.
 */
import type { Client } from '@temporalio/client';
import { RATE_SHARE_QUERY } from '../common/sync-types';
import type { RateBudget } from './alloyscan/rate-budget';
import { currentContext } from './run-helpers';

const EVERY_MS = 1_000;

/** Starts following; the returned function stops it. Outside a worker (no client) the share stays. */
export function followRateShare(budget: RateBudget): () => void {
  const ctx = currentContext();
  const client = workerClient();
  const exec = ctx?.info.workflowExecution;
  if (!exec || !client) return () => undefined;
  const handle = client.workflow.getHandle(exec.workflowId, exec.runId);
  let asking = false;
  const timer = setInterval(() => {
    if (asking) return;
    asking = true;
    handle
      .query<number | undefined>(RATE_SHARE_QUERY)
      .then((share) => {
        if (typeof share === 'number') budget.setCeiling(share);
      })
      // A workflow of an older version has no such query, or the server is busy: keep the share.
      .catch(() => undefined)
      .finally(() => {
        asking = false;
      });
  }, EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}

function workerClient(): Client | undefined {
  try {
    return currentContext()?.client;
  } catch {
    return undefined;
  }
}
