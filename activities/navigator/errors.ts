/**
 * Errors of the Navigator client. Every failure it throws is a NavigatorError built from safe
 * parts only (the Navigator's id, method, path, status, Navigator's errorCode, a sentence naming
 * the setting to fix): never a raw axios error, whose `config` carries the Authorization header
 * and the token request's secret.
 */
import type { FailureType } from '../../common/failure-types';

export interface NavigatorErrorInit {
  navigatorId?: string | undefined;
  status?: number | undefined;
  retryAfterMs?: number | undefined;
  method?: string | undefined;
  /** Path of the request under the API URL. */
  path?: string | undefined;
  /** Navigator's `errorCode`, when it sent one (reported only, never classified). */
  errorCode?: number | undefined;
}

/** A failed Navigator call, classified by FailureType. */
export class NavigatorError extends Error {
  override readonly name = 'NavigatorError';
  readonly type: FailureType;
  readonly navigatorId?: string | undefined;
  readonly status?: number | undefined;
  readonly retryAfterMs?: number | undefined;
  readonly method?: string | undefined;
  readonly path?: string | undefined;
  readonly errorCode?: number | undefined;

  constructor(type: FailureType, message: string, init: NavigatorErrorInit = {}) {
    super(message);
    this.type = type;
    this.navigatorId = init.navigatorId;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.method = init.method;
    this.path = init.path;
    this.errorCode = init.errorCode;
  }
}
