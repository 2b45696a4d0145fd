/** Small helpers shared by the sync activities. */
import { activityInfo, Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { FailureType } from '../common/failure-types';
import { AlloyScanError, QuarantineError, toApplicationFailure } from './alloyscan/errors';

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

/** Heartbeat when running inside an activity (no-op in plain unit tests). */
export function heartbeat(details?: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // not inside an activity context
  }
}

/** Throw when the server has cancelled this attempt (e.g. its heartbeat timed out): do not commit beside the retry. */
export function throwIfCancelled(): void {
  let signal: AbortSignal | undefined;
  try {
    signal = Context.current().cancellationSignal;
  } catch {
    return; // not inside an activity context
  }
  if (signal.aborted) throw new CancelledFailure('activity attempt cancelled before it committed');
}

/** The last heartbeat details of a previous attempt, when running inside an activity. */
export function lastHeartbeat<T>(): T | undefined {
  try {
    return activityInfo().heartbeatDetails as T | undefined;
  } catch {
    return undefined;
  }
}

/**
 * Map any error to a Temporal ApplicationFailure with a failure type and a secret-free
 * message. API errors are typed by the client; database errors (they carry a driver `code`:
 * SQLITE_BUSY, ECONNREFUSED, a PostgreSQL SQLSTATE) become a retryable StoreUnavailable.
 */
export async function asActivity<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isStoreError(err)) {
      throw ApplicationFailure.create({
        type: FailureType.StoreUnavailable,
        message: `the Navigator store failed: ${err.message.slice(0, 500)} (${String(err.code)})`,
        nonRetryable: false,
      });
    }
    throw toApplicationFailure(err);
  }
}

/** node-postgres's own connection errors carry no code. */
const PG_CONNECTION_LOST =
  /^Connection terminated|timeout exceeded when trying to connect|Query read timeout/;

function isStoreError(err: unknown): err is Error & { code: unknown } {
  if (!(err instanceof Error) || err instanceof AlloyScanError || err instanceof QuarantineError)
    return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code.length > 0) return true;
  if (!PG_CONNECTION_LOST.test(err.message)) return false;
  Object.assign(err, { code: 'CONNECTION_LOST' });
  return true;
}
