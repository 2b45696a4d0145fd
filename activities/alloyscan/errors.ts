/**
 * Errors of the AlloyScan client. Every failure the client throws is an AlloyScanError built from
 * safe parts only (method, path, status, a sentence saying what to do): never a raw axios error,
 * whose `config` carries the Authorization header and the token request's client secret.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { QuarantinedRecord } from '../../common/domain';
import { FailureType, NON_RETRYABLE_FAILURES } from '../../common/failure-types';

export interface AlloyScanErrorInit {
  status?: number | undefined;
  retryAfterMs?: number | undefined;
  method?: string | undefined;
  /** URL path of the request, without query string. */
  path?: string | undefined;
}

/** A failed AlloyScan call, classified by FailureType. */
export class AlloyScanError extends Error {
  override readonly name = 'AlloyScanError';
  readonly type: FailureType;
  readonly status?: number | undefined;
  readonly retryAfterMs?: number | undefined;
  readonly method?: string | undefined;
  readonly path?: string | undefined;

  constructor(type: FailureType, message: string, init: AlloyScanErrorInit = {}) {
    super(message);
    this.type = type;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.method = init.method;
    this.path = init.path;
  }
}

/** A single record (device detail, snapshot, product) that failed its schema. */
export class QuarantineError extends Error {
  override readonly name = 'QuarantineError';
  readonly type = FailureType.SchemaMismatch;

  constructor(readonly record: QuarantinedRecord) {
    super(`AlloyScan ${record.kind} ${record.sourceId} is malformed: ${record.reason}`);
  }
}

/** Maps any error thrown by the client to the ApplicationFailure an activity should throw. */
export function toApplicationFailure(err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof AlloyScanError) {
    const delay = err.type === FailureType.RateLimited ? err.retryAfterMs : undefined;
    return ApplicationFailure.create({
      type: err.type,
      message: err.message,
      nonRetryable: NON_RETRYABLE_FAILURES.includes(err.type),
      details: [{ status: err.status, method: err.method, path: err.path }],
      ...(delay !== undefined ? { nextRetryDelay: delay } : {}),
    });
  }
  if (err instanceof QuarantineError) {
    return ApplicationFailure.create({
      type: err.type,
      message: err.message,
      nonRetryable: true,
      details: [err.record],
    });
  }
  return ApplicationFailure.create({
    type: FailureType.Transient,
    message: safeMessage(err),
    nonRetryable: false,
  });
}

/** A message for an unexpected error: its name and (bounded) message, never its attached objects. */
function safeMessage(err: unknown): string {
  if (!(err instanceof Error)) return 'Unexpected non-error thrown in the AlloyScan client';
  if ('isAxiosError' in err)
    return `Unexpected HTTP error in the AlloyScan client (${String(errorCode(err))})`;
  return `Unexpected ${err.name} in the AlloyScan client: ${err.message.slice(0, 500)}`;
}

function errorCode(err: Error): unknown {
  return 'code' in err ? err.code : 'no code';
}
