/** Small helpers shared by the sync activities. */
import { activityInfo, Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import type { RateShare, SyncJobConfig } from '../common/sync-types';
import { RateBudget } from './alloyscan/rate-budget';
import { toActivityFailure } from './failures';

/** Run `fn(item)` over items with at most `limit` in flight, keeping input order in the output. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * As mapLimit, but after a failure no new item starts and those in flight are waited for
 * before the first error is thrown: nothing runs on behind the caller (a retried attempt must
 * not race a write the failed one still has in flight).
 */
export async function mapLimitSettled<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        await fn(items[i] as T);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed) throw failed.error;
}

/** The activity's context, or undefined outside an activity (plain unit tests). */
export function currentContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/** Heartbeat when running inside an activity (no-op in plain unit tests). */
export function heartbeat(details?: unknown): void {
  currentContext()?.heartbeat(details);
}

/** Throw when the server has cancelled this attempt (e.g. its heartbeat timed out): do not commit beside the retry. */
export function throwIfCancelled(): void {
  if (currentContext()?.cancellationSignal.aborted)
    throw new CancelledFailure('activity attempt cancelled before it committed');
}

/** The last heartbeat details of a previous attempt, when running inside an activity. */
export function lastHeartbeat<T>(): T | undefined {
  try {
    return activityInfo().heartbeatDetails as T | undefined;
  } catch {
    return undefined;
  }
}

/** Run an activity's body; any error leaves it as the failure the one failure map gives it. */
export async function asActivity<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toActivityFailure(err);
  }
}

/** An activity's rate budget: the share the workflow gave it, or (older histories, walks run alone) the job's whole rate. */
export function budgetFor(job: SyncJobConfig, share: RateShare | undefined): RateBudget {
  return new RateBudget({ ceiling: share?.ceiling ?? job.requestsPerSecond, start: share?.start });
}
