/**
 * The page step's cursor: what an attempt has committed so far, heartbeated after every batch
 * so a retry resumes there, and the rounds that re-read only devices that failed transiently.
 */
import { addTotals } from '../common/counts';
import type { QuarantinedRecord } from '../common/domain';
import { FailureType } from '../common/failure-types';
import type { PageCounts, PassTotals } from '../common/sync-types';
import { AlloyScanError } from './alloyscan/errors';
import type { RateBudgetState } from './alloyscan/rate-budget';

/** What an attempt's rate budget learned and counted, with the share it had: the next attempt starts there. */
export interface CarriedRate extends RateBudgetState {
  ceiling: number;
}

export const CURSOR_VERSION = 2;

/** Where a page attempt got to: a retry resumes here instead of re-reading the whole page. */
export interface PageCursor extends PassTotals {
  /** Cursor layout version: details of another version are ignored (the page starts over). */
  v: typeof CURSOR_VERSION;
  received: number;
  total: number;
  /** Devices of the page whose details must be read (changed, or all on a full pass). */
  toRead: string[];
  /** Of those, the ones the store already holds (a skip leaves them stored). */
  known: string[];
  done: number;
  /** Each pass over `toRead` (the first, then each retry of transient failures) has its own batch keys. */
  round: number;
  /** Devices whose read failed transiently in this round: the next round reads only these. */
  retry: string[];
  /** Devices per store transaction, learned from what a batch cost (see device-page.ts). */
  batchSize?: number;
  /** The attempt's rate budget at the last heartbeat (absent in cursors written before it). */
  rate?: CarriedRate;
}

/** What one committed batch adds to the cursor. */
export interface BatchOutcome {
  counts: PageCounts;
  quarantine: QuarantinedRecord[];
  samples: { added: string[]; updated: string[] };
  retry: string[];
  transient?: AlloyScanError | undefined;
}

export function mergeBatch(cur: PageCursor, out: BatchOutcome): void {
  const { counts, quarantine, samples } = out;
  addTotals(cur, {
    counts,
    quarantined: quarantine.length,
    quarantineSample: quarantine,
    apiCalls: 0,
    samples,
  });
  cur.retry.push(...out.retry);
}

/**
 * The devices that failed transiently (5xx, resets, 429s beyond the budget's patience) become
 * the whole of the next attempt's work: every attempt makes progress, and Temporal's backoff
 * (or Retry-After) paces the retries. The caller heartbeats the cursor before throwing.
 */
export function retryLater(cur: PageCursor, last: AlloyScanError | undefined): AlloyScanError {
  const err = last ?? new AlloyScanError(FailureType.Transient, 'device reads failed transiently');
  const left = cur.retry.length;
  Object.assign(cur, { toRead: cur.retry, done: 0, round: cur.round + 1, retry: [] });
  return new AlloyScanError(err.type, `${left} device reads failed (${err.message}); retrying only those`, {
    retryAfterMs: err.retryAfterMs,
    status: err.status,
  });
}
