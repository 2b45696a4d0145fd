/**
 * Errors of the AlloyScan client. Every failure the client throws is an AlloyScanError built from
 * safe parts only (method, path, status, a sentence saying what to do): never a raw axios error,
 * whose `config` carries the Authorization header and the token request's client secret.
 */
import type { QuarantinedRecord } from '../../common/domain';
import { FailureType } from '../../common/failure-types';

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
