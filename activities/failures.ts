/**
 * The one failure map: any error → a failure type, a secret-free message, and whether
 * Temporal may retry it. Activities throw `toActivityFailure(err)`; entry points turn
 * `classifyFailure(err)` into a sentence and an exit code (ops/exit-codes.ts).
 *
 * - API errors are typed by the AlloyScan client (AlloyScanError, QuarantineError) and by the
 *   Navigator client (NavigatorError): their type, message and safe details as they are;
 * - store errors carry a driver code (a PostgreSQL SQLSTATE, SQLITE_*, or a socket error of
 *   the pg driver): retryable StoreUnavailable, except SQL errors that only a bug causes;
 * - configuration and usage errors are the operator's to fix: non-retryable;
 * - the Temporal server out of reach (entry points);
 * - anything else is Internal: a bug, non-retryable, and the message says so.
 */
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
import { FailureType, NON_RETRYABLE_FAILURES, failureTypeOf } from '../common/failure-types';
import { AlloyScanError, QuarantineError } from './alloyscan/errors';
import { NavigatorError } from './navigator/errors';

/** A configuration problem: the message lists every invalid field with its path. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** An operator's mistake on the command line (unknown job, bad argument): one sentence. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface Failure {
  type: FailureType;
  /** Secret-free, one sentence (a config error lists its fields on the following lines). */
  message: string;
  retryable: boolean;
  retryAfterMs?: number | undefined;
  details?: unknown[];
}

/** node-postgres's own connection errors carry no code. */
const PG_CONNECTION_LOST =
  /^Connection terminated|timeout exceeded when trying to connect|Query read timeout|timeout expired|Client has encountered a connection error|Client was closed and is not queryable/;
/** Socket errors: the store (or Temporal) is out of reach. */
const SOCKET_CODES =
  /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE)$/;
/** SQLSTATE classes of a store that cannot be reached or used right now (connection, resources, shutdown, auth, missing database). */
const PG_UNREACHABLE = /^(08|53|57|58|28|3D)/;
/** SQLSTATE classes that only a bug causes: syntax or access rule violation (42), data exceptions (22). */
const PG_BUG = /^(42|22)/;
const SQLITE_BUG = /^SQLITE_(ERROR|MISMATCH|RANGE|MISUSE)$/;
const TEMPORAL_UNREACHABLE =
  /Failed to connect|tcp connect error|UNAVAILABLE|No connection established|DEADLINE_EXCEEDED|RESOURCE_EXHAUSTED/;

function codeOf(err: Error): string | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code.length > 0 ? code : undefined;
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim().slice(0, 500);
}

/** The error and its causes, outermost first. */
function chain(err: unknown): Error[] {
  const out: Error[] = [];
  for (let e = err; e instanceof Error && out.length < 10; e = e.cause) out.push(e);
  return out;
}

function storeFailure(err: Error): Failure | undefined {
  const code = codeOf(err) ?? (PG_CONNECTION_LOST.test(err.message) ? 'CONNECTION_LOST' : undefined);
  if (code === undefined) return undefined;
  const isPg = /^[0-9A-Z]{5}$/.test(code) && 'severity' in err;
  const isSqlite = code.startsWith('SQLITE_');
  const isSocket = SOCKET_CODES.test(code) || code === 'CONNECTION_LOST';
  if (!isPg && !isSqlite && !isSocket) return undefined;
  if ((isPg && PG_BUG.test(code)) || (isSqlite && SQLITE_BUG.test(code))) {
    return internal(`the Navigator store rejected a statement: ${firstLine(err.message)} (${code})`);
  }
  const unreachable = isSocket || (isPg && PG_UNREACHABLE.test(code)) || code === 'SQLITE_CANTOPEN';
  const message = unreachable
    ? `cannot reach the Navigator store: ${firstLine(err.message)}`
    : `the Navigator store failed: ${firstLine(err.message)} (${code})`;
  return { type: FailureType.StoreUnavailable, message, retryable: true };
}

function internal(what: string): Failure {
  return {
    type: FailureType.Internal,
    message: `internal error (a bug: please report it): ${what}`,
    retryable: false,
  };
}

/** Map any error to its failure. `context.temporalAddress` names the server in that sentence. */
export function classifyFailure(err: unknown, context: { temporalAddress?: string } = {}): Failure {
  if (err instanceof AlloyScanError) {
    return {
      type: err.type,
      message: err.message,
      retryable: !NON_RETRYABLE_FAILURES.includes(err.type),
      retryAfterMs: err.type === FailureType.RateLimited ? err.retryAfterMs : undefined,
      details: [{ status: err.status, method: err.method, path: err.path }],
    };
  }
  if (err instanceof NavigatorError) {
    const retryable = !NON_RETRYABLE_FAILURES.includes(err.type);
    return {
      type: err.type,
      message: err.message,
      retryable,
      // A 429's, or a 503's, Retry-After: Navigator said when to come back.
      retryAfterMs: retryable ? err.retryAfterMs : undefined,
      details: [
        {
          navigator: err.navigatorId,
          status: err.status,
          method: err.method,
          path: err.path,
          errorCode: err.errorCode,
        },
      ],
    };
  }
  if (err instanceof QuarantineError)
    return { type: err.type, message: err.message, retryable: false, details: [err.record] };
  if (err instanceof ConfigError)
    return { type: FailureType.BadConfig, message: err.message, retryable: false };
  if (err instanceof UsageError) return { type: FailureType.Usage, message: err.message, retryable: false };
  // A failure read back from Temporal (an activity's, or a workflow's): its type says it all.
  const errors = chain(err);
  const typed = failureTypeOf(err);
  if (typed !== undefined && err instanceof Error) {
    const inner = errors.at(-1)!;
    return { type: typed, message: inner.message, retryable: !NON_RETRYABLE_FAILURES.includes(typed) };
  }
  for (const e of errors) {
    const store = storeFailure(e);
    if (store) return store;
  }
  if (errors.some((e) => e.name === 'TransportError' || TEMPORAL_UNREACHABLE.test(e.message))) {
    const where = context.temporalAddress ? ` at ${context.temporalAddress}` : '';
    return {
      type: FailureType.TemporalUnavailable,
      message: `cannot reach Temporal${where}: ${firstLine(errors.at(-1)!.message)}`,
      retryable: true,
    };
  }
  if (!(err instanceof Error)) return internal(`a non-error was thrown: ${String(err).slice(0, 200)}`);
  // Never an axios error's own text: its config carries the Authorization header.
  if ('isAxiosError' in err) return internal(`unexpected HTTP error (${codeOf(err) ?? 'no code'})`);
  return internal(`${err.name}: ${err.message.slice(0, 500)}`);
}

/**
 * What an activity throws for any error: Temporal's own failures (a cancellation) as they
 * are, an ApplicationFailure as it is, anything else as the ApplicationFailure of its failure.
 */
export function toActivityFailure(err: unknown): Error {
  if (err instanceof TemporalFailure) return err;
  const f = classifyFailure(err);
  return ApplicationFailure.create({
    type: f.type,
    message: f.message,
    nonRetryable: !f.retryable,
    details: f.details,
    // A zero delay is not "at once" to the server: it ends the retries (retry state TIMEOUT).
    ...(f.retryAfterMs ? { nextRetryDelay: f.retryAfterMs } : {}),
  });
}
