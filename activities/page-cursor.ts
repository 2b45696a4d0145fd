/**
 * The page step's cursor: what an attempt has committed so far, heartbeated after every batch
 * so a retry resumes there, and the rounds that re-read only devices that failed transiently.
 */
import { addCounts, addSample } from '../common/counts';
import type { QuarantinedRecord } from '../common/domain';
import { FailureType } from '../common/failure-types';
import type { PageCounts } from '../common/sync-types';
import { AlloyScanError } from './alloyscan/errors';
import { heartbeat } from './run-helpers';

export const CURSOR_VERSION = 2;

/** Where a page attempt got to: a retry resumes here instead of re-reading the whole page. */
export interface PageCursor {
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
  counts: PageCounts;
  quarantined: number;
  quarantineSample: QuarantinedRecord[];
  apiCalls: number;
  samples: { added: string[]; updated: string[] };
}

/** A frozen copy for heartbeats: details are serialised later, the cursor keeps changing. */
export function snapshot(cur: PageCursor): PageCursor {
  return structuredClone(cur);
}

export interface BatchOutcome {
  counts: PageCounts;
  quarantine: QuarantinedRecord[];
  samples: { added: string[]; updated: string[] };
  retry: string[];
  transient?: AlloyScanError | undefined;
}

export function mergeBatch(cur: PageCursor, out: BatchOutcome): void {
  addCounts(cur.counts, out.counts);
  cur.retry.push(...out.retry);
  cur.quarantined += out.quarantine.length;
  addSample(cur.quarantineSample, out.quarantine);
  addSample(cur.samples.added, out.samples.added);
  addSample(cur.samples.updated, out.samples.updated);
}

/**
 * The devices that failed transiently (429, 5xx, resets) become the whole of the next
 * attempt's work: every attempt makes progress, and Temporal's backoff (or Retry-After)
 * paces the retries.
 */
export function retryLater(cur: PageCursor, last: AlloyScanError | undefined): AlloyScanError {
  const err = last ?? new AlloyScanError(FailureType.Transient, 'device reads failed transiently');
  const left = cur.retry.length;
  Object.assign(cur, { toRead: cur.retry, done: 0, round: cur.round + 1, retry: [] });
  heartbeat(snapshot(cur));
  return new AlloyScanError(err.type, `${left} device reads failed (${err.message}); retrying only those`, {
    retryAfterMs: err.retryAfterMs,
    status: err.status,
  });
}
