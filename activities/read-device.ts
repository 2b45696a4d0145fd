/**
 * Reading one device for the page step: its detail, then its current audit snapshot. A 404
 * is a skip with a reason; the device is *gone* when its detail answers 404 (a snapshot 404
 * is confirmed by reading the detail again: a device reaudited meanwhile is not gone), and
 * the caller flags its record missing. A malformed record a quarantine, a 5xx/reset a device to retry in
 * the next round; a 429 is read again here after its Retry-After (and whatever the rate budget
 * then asks), a few times before it too waits for the next round. Anything
 * else (bad credentials, …) fails the attempt.
 */
import type { QuarantinedRecord } from '../common/domain';
import { DEVICE_SKIP } from '../common/counts';
import { FailureType } from '../common/failure-types';
import type { AlloyScanClient } from './alloyscan/client-types';
import { AlloyScanError, QuarantineError } from './alloyscan/errors';
import type { DeviceRead } from './build-upserts';

export type Read =
  | ({ kind: 'ok' } & DeviceRead)
  | { kind: 'retry'; id: string; error: AlloyScanError }
  | { kind: 'skip'; id: string; reason: string; gone: boolean }
  | { kind: 'quarantine'; id: string; record: QuarantinedRecord };

/** 429s read again within the attempt before the device waits for the next round. */
const RATE_LIMITED_REREADS = 5;

export async function readDevice(client: AlloyScanClient, id: string): Promise<Read> {
  for (let attempt = 0; ; attempt++) {
    const read = await readOnce(client, id);
    const throttled = read.kind === 'retry' && read.error.type === FailureType.RateLimited;
    if (!throttled || attempt >= RATE_LIMITED_REREADS) return read;
    // Its own pause: an isolated 429 does not stop the page's other calls (rate-budget.ts).
    await throttlePause(read.error.retryAfterMs);
  }
}

/** The wait before a call answered 429 is sent again: its Retry-After, else a second. */
export function throttlePause(retryAfterMs: number | undefined): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, retryAfterMs ?? 1000));
}

/** `fn`, sent again after its pause when the site answers 429, up to RATE_LIMITED_REREADS times. */
export async function throttledRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const throttled = err instanceof AlloyScanError && err.type === FailureType.RateLimited;
      if (!throttled || attempt >= RATE_LIMITED_REREADS) throw err;
      await throttlePause(err.retryAfterMs);
    }
  }
}

async function readOnce(client: AlloyScanClient, id: string): Promise<Read> {
  try {
    const detail = await client.getDevice(id);
    if (!detail) return { kind: 'skip', id, reason: DEVICE_SKIP.vanished, gone: true };
    if (!detail.auditId) return { kind: 'ok', detail, snapshot: undefined };
    const snapshot = await client.getSnapshot(detail.auditId);
    if (!snapshot) {
      const gone = (await client.getDevice(id)) === undefined;
      return { kind: 'skip', id, reason: DEVICE_SKIP.snapshotVanished, gone };
    }
    return { kind: 'ok', detail, snapshot };
  } catch (err) {
    if (err instanceof QuarantineError) return { kind: 'quarantine', id, record: err.record };
    if (isTransient(err)) return { kind: 'retry', id, error: err };
    throw err;
  }
}

export function isTransient(err: unknown): err is AlloyScanError {
  return (
    err instanceof AlloyScanError &&
    (err.type === FailureType.Transient || err.type === FailureType.RateLimited)
  );
}
