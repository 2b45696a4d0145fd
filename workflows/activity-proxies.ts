/** Activity proxies, grouped by retry profile, with explicit timeouts. */
import { proxyActivities, type RetryPolicy } from '@temporalio/workflow';
import type { SyncActivities } from '../activities';
import { NON_RETRYABLE_FAILURES } from '../common/failure-types';

/** Exponential backoff; bad credentials, schema mismatches and bad config are never retried. */
function retry(initialInterval: string, maximumInterval: string, maximumAttempts: number): RetryPolicy {
  return {
    initialInterval,
    backoffCoefficient: 2,
    maximumInterval,
    maximumAttempts,
    nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURES],
  };
}

/**
 * Steps that do not heartbeat get a start-to-close short enough that a killed worker's attempt
 * is retried in under a minute: a healthy one takes seconds (a token, two reads; store counts).
 */
const SHORT_STEP = '45 seconds';

/** Authentication: a bad secret fails at once (non-retryable), so one attempt = one token request. */
export const authActivities = proxyActivities<SyncActivities>({
  startToCloseTimeout: SHORT_STEP,
  retry: retry('2s', '1 minute', 5),
});

/**
 * One page of devices: heartbeats a cursor every batch and resumes from it. 25 attempts
 * with backoff capped at a minute ride out ~20 minutes of 429s, 5xx or a store outage
 * before the run fails loudly.
 */
const PAGE_OPTIONS = {
  startToCloseTimeout: '20 minutes',
  heartbeatTimeout: '45 seconds',
  retry: retry('1s', '1 minute', 25),
} as const;
export const pageActivities = proxyActivities<SyncActivities>(PAGE_OPTIONS);

/** Walks over many items (catalog, missing lookups, write-back): heartbeat a cursor and resume from it. */
const WALK_OPTIONS = {
  startToCloseTimeout: '4 hours',
  heartbeatTimeout: '45 seconds',
  retry: retry('1s', '1 minute', 25),
} as const;
export const walkActivities = proxyActivities<SyncActivities>(WALK_OPTIONS);

/**
 * The heartbeating proxies of a run: with `heartbeatTimeout` in the input (tests that kill a
 * worker: its activities are retried elsewhere that much sooner), proxies with that timeout.
 */
export function heartbeatingActivities(heartbeatTimeout: string | undefined) {
  if (!heartbeatTimeout) return { page: pageActivities, walk: walkActivities };
  return {
    page: proxyActivities<SyncActivities>({ ...PAGE_OPTIONS, heartbeatTimeout }),
    walk: proxyActivities<SyncActivities>({ ...WALK_OPTIONS, heartbeatTimeout }),
  };
}

/** Store-only steps (verify, run log, the overlap guard's visibility query). */
export const storeActivities = proxyActivities<SyncActivities>({
  startToCloseTimeout: SHORT_STEP,
  retry: retry('1s', '30s', 20),
});
