/** Activity proxies, grouped by retry profile, with explicit timeouts. */
import { proxyActivities } from '@temporalio/workflow';
import type { SyncActivities } from '../activities';
import { NON_RETRYABLE_FAILURES } from '../common/failure-types';

const nonRetryableErrorTypes = [...NON_RETRYABLE_FAILURES];

/** Authentication: a bad secret fails at once (non-retryable), so one attempt = one token request. */
export const authActivities = proxyActivities<SyncActivities>({
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 5,
    nonRetryableErrorTypes,
  },
});

/** One page of devices: bounded work, heartbeats between its phases, generous retries for 429/5xx. */
export const pageActivities = proxyActivities<SyncActivities>({
  startToCloseTimeout: '20 minutes',
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 25,
    nonRetryableErrorTypes,
  },
});

/** Walks over many items (catalog, missing lookups, write-back): heartbeat a cursor and resume from it. */
export const walkActivities = proxyActivities<SyncActivities>({
  startToCloseTimeout: '4 hours',
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 25,
    nonRetryableErrorTypes,
  },
});

/** Store-only steps (verify, run log). */
export const storeActivities = proxyActivities<SyncActivities>({
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    maximumAttempts: 20,
    nonRetryableErrorTypes,
  },
});
