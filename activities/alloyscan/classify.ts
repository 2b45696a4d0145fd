/**
 * Turns an HTTP status or a network error into an AlloyScanError with a sentence saying what to
 * do. Only safe parts go in: method, path (no query), status, the body's `error` code, and its
 * message with the secret and token redacted. Raw axios errors are read (their `code`), never kept.
 */
import { FailureType } from '../../common/failure-types';
import { AlloyScanError } from './errors';
import { LEGACY_TOKEN_PATH, errorBodySchema } from './schema';

export interface HttpResult {
  status: number;
  data: unknown;
  contentType?: unknown;
  retryAfter?: unknown;
  location?: unknown;
}

export interface FailureContext {
  method: string;
  path: string;
  /** host:port of the site, so a network failure says where it looked. */
  host: string;
  clientId: string;
  /** Removes the secret and tokens from text the server sent. */
  redact: (text: string) => string;
}

/** Retry-After as milliseconds: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const v = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  if (!/[a-z]{3}/i.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function errorBody(data: unknown, redact: (text: string) => string): { code?: string; detail: string } {
  const body = errorBodySchema.safeParse(data);
  if (!body.success) return { detail: '' };
  const raw = body.data.error;
  const code = raw !== undefined && /^[\w.-]{1,64}$/.test(raw) ? raw : undefined;
  const text = body.data.error_description ?? body.data.message;
  return { code, detail: text ? `: ${redact(text).slice(0, 300)}` : '' };
}

/** OAuth 2.0 error codes of a 400 that are about the request's format, not the credentials. */
const REQUEST_FORMAT_ERRORS = ['invalid_request', 'unsupported_grant_type', 'invalid_scope'];

/** A failed token request. One failed authentication = one token request: nothing here retries. */
export function tokenFailure(res: HttpResult, ctx: FailureContext): AlloyScanError {
  const init = { method: ctx.method, path: ctx.path, status: res.status };
  const { code: oauthCode, detail } = errorBody(res.data, ctx.redact);
  if (res.status === 400 && oauthCode !== undefined && REQUEST_FORMAT_ERRORS.includes(oauthCode)) {
    return new AlloyScanError(
      FailureType.ClientError,
      `AlloyScan's token endpoint ${ctx.path} refused the request format (${oauthCode}${detail}): ` +
        'this client and the site disagree on the token request; check the token path setting',
      init,
    );
  }
  if (res.status === 400 || res.status === 401) {
    const code = oauthCode ?? 'invalid_client';
    return new AlloyScanError(
      FailureType.BadCredentials,
      `AlloyScan rejected the client ID/secret of the job's App registration ${ctx.clientId} (${code}, ` +
        `HTTP ${res.status}): check the client secret reference, or create a new App registration`,
      init,
    );
  }
  if (res.status === 404 || res.status === 405) {
    return new AlloyScanError(
      FailureType.BadConfig,
      `AlloyScan has no token endpoint at ${ctx.path} (HTTP ${res.status}): check the site URL and the ` +
        `job's token path setting (older AlloyScan releases use ${LEGACY_TOKEN_PATH})`,
      init,
    );
  }
  return apiFailure(res, ctx);
}

/** A failed API call (a 401 is handled by the caller; a 404 the method does not expect lands here as ClientError). */
export function apiFailure(res: HttpResult, ctx: FailureContext): AlloyScanError {
  const init = { method: ctx.method, path: ctx.path, status: res.status };
  const call = `AlloyScan ${ctx.method} ${ctx.path}`;
  const { code, detail } = errorBody(res.data, ctx.redact);
  if (res.status === 403) return forbidden(code, ctx, init);
  if (res.status === 429) {
    const retryAfterMs = parseRetryAfter(res.retryAfter);
    const when = retryAfterMs === undefined ? 'with backoff' : `after ${retryAfterMs} ms (Retry-After)`;
    return new AlloyScanError(
      FailureType.RateLimited,
      `${call} hit the site's API workload limit (HTTP 429): retrying ${when}; lower the job's request rate if this persists`,
      { ...init, retryAfterMs },
    );
  }
  if (res.status >= 500) {
    return new AlloyScanError(FailureType.Transient, `${call} failed with HTTP ${res.status}${detail}`, init);
  }
  if (res.status >= 300 && res.status < 400) {
    const to = typeof res.location === 'string' ? ` to ${safeUrl(res.location)}` : '';
    return new AlloyScanError(
      FailureType.ClientError,
      `${call} was redirected${to} (HTTP ${res.status}): check the job's site URL (scheme, host and path)`,
      init,
    );
  }
  return new AlloyScanError(
    FailureType.ClientError,
    `${call} was rejected with HTTP ${res.status}${detail}`,
    init,
  );
}

function forbidden(code: string | undefined, ctx: FailureContext, init: object): AlloyScanError {
  const reg = `AlloyScan App registration ${ctx.clientId}`;
  if (code === 'registration_disabled') {
    return new AlloyScanError(
      FailureType.RegistrationDisabled,
      `The ${reg} is disabled: enable it in AlloyScan (Admin Center > Site Settings > IAM > App registrations)`,
      init,
    );
  }
  if (code === 'registration_expired') {
    return new AlloyScanError(
      FailureType.RegistrationExpired,
      `The ${reg} has expired: create a new App registration with a later expiration date and update the job's client ID and secret`,
      init,
    );
  }
  return new AlloyScanError(
    FailureType.Forbidden,
    `AlloyScan refused ${ctx.method} ${ctx.path} (HTTP 403${code ? ` ${code}` : ''}): grant the ${reg} the scope this call needs`,
    init,
  );
}

function safeUrl(location: string): string {
  try {
    const url = new URL(location, 'http://relative.invalid');
    return url.host === 'relative.invalid' ? url.pathname : `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return '(unreadable location)';
  }
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNABORTED: 'timed out',
  ETIMEDOUT: 'timed out',
  ECONNRESET: 'the connection was reset (dropped by the site or a proxy)',
  EPIPE: 'the connection was closed while sending',
  ECONNREFUSED: 'the connection was refused',
  ENOTFOUND: 'the host name was not found',
  EAI_AGAIN: 'the host name could not be resolved',
  ERR_CANCELED: 'the request was cancelled',
};

/** A request that got no HTTP response (timeout, reset, refused, …): always Transient, naming host:port. */
export function networkFailure(err: unknown, ctx: FailureContext, timeoutMs: number): AlloyScanError {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'unknown';
  const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
  const reason = timedOut
    ? `timed out after ${timeoutMs} ms`
    : (NETWORK_REASONS[code] ?? 'a network error occurred');
  const hint = UNREACHABLE.includes(code)
    ? ": check the job's siteUrl and that the site is reachable from the worker"
    : '';
  return new AlloyScanError(
    FailureType.Transient,
    `AlloyScan ${ctx.method} ${ctx.path} at ${ctx.host}: ${reason} (${code})${hint}`,
    { method: ctx.method, path: ctx.path },
  );
}

/** Codes that say nothing answers at that address at all. */
const UNREACHABLE = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'];

/** A 2xx answer that is an HTML page (a web server or a portal at the site URL, not the API). */
export function answeredHtml(res: HttpResult): boolean {
  if (typeof res.contentType === 'string' && /text\/html/i.test(res.contentType)) return true;
  return typeof res.data === 'string' && /^\s*</.test(res.data);
}

export function htmlAnswer(ctx: FailureContext, status: number): AlloyScanError {
  return new AlloyScanError(
    FailureType.BadConfig,
    `AlloyScan ${ctx.method} ${ctx.path} at ${ctx.host}: the site answered HTML, not the AlloyScan API: check siteUrl`,
    { method: ctx.method, path: ctx.path, status },
  );
}
