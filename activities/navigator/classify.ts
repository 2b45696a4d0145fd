/**
 * The one place a Navigator answer is judged: HTTP status first, then Navigator's errorText
 * (schema.ts MESSAGES), never its errorCode. A verdict is ok, denied (renew the token), missing
 * (object not found), refused (for this record) or failed (a NavigatorError naming the setting
 * to fix). Only safe parts go into an error: errorText is redacted and cut, raw errors are read
 * for their `code`, never kept.
 */
import { FailureType } from '../../common/failure-types';
import { parseRetryAfter } from '../alloyscan/classify';
import { NavigatorError } from './errors';
import { MESSAGES, envelopeSchema, oauthErrorSchema } from './schema';

export interface Answer {
  status: number;
  data: unknown;
  contentType?: unknown;
  retryAfter?: unknown;
}

export interface CallContext {
  navigatorId: string;
  method: string;
  path: string;
  /** host:port of the API URL. */
  hostPort: string;
  /** Removes the secret and tokens from text Navigator sent. */
  redact: (text: string) => string;
  /** The setting an unknown class, field or action names (the caller's label); else a generic one. */
  setting?: string | undefined;
}

export type Verdict =
  /** `errorText` too: a write answered `Succeed: false` inside a successful envelope says why there. */
  | { kind: 'ok'; body: unknown; errorText: string }
  | { kind: 'denied' }
  | { kind: 'missing'; errorText: string }
  | { kind: 'refused'; errorText: string; errorCode?: number | undefined; status: number }
  | { kind: 'failed'; error: NavigatorError };

const setting = (ctx: CallContext, key: string): string => `navigators.${ctx.navigatorId}.${key}`;
const call = (ctx: CallContext): string => `Navigator ${ctx.navigatorId} ${ctx.method} ${ctx.path}`;

function fail(type: FailureType, message: string, ctx: CallContext, extra: object = {}): NavigatorError {
  return new NavigatorError(type, message, {
    navigatorId: ctx.navigatorId,
    method: ctx.method,
    path: ctx.path,
    ...extra,
  });
}

/** An answer that is a web page (HTML), not the API's JSON. */
export function answeredHtml(a: Answer): boolean {
  if (typeof a.contentType === 'string' && /text\/html/i.test(a.contentType)) return true;
  return typeof a.data === 'string' && /^\s*</.test(a.data);
}

function notTheApi(ctx: CallContext, status: number, what = 'answered HTML'): NavigatorError {
  const message = `${call(ctx)} at ${ctx.hostPort} ${what} (HTTP ${status}): not the Navigator API: check ${setting(ctx, 'apiUrl')}`;
  return fail(FailureType.BadConfig, message, ctx, { status });
}

/** Status-only failures: throttling, server trouble, permissions (a 401 is `denied`). */
function byStatus(a: Answer, ctx: CallContext, text: string): Verdict | undefined {
  const init = { status: a.status, retryAfterMs: parseRetryAfter(a.retryAfter) };
  const detail = text ? `: ${text}` : '';
  if (a.status === 401 || MESSAGES.denied.test(text)) return { kind: 'denied' };
  if (a.status === 403 || MESSAGES.noPermission.test(text)) {
    const message = `${call(ctx)} was refused for lack of permissions (HTTP ${a.status}${detail}): application accounts ignore security roles, so check that ${setting(ctx, 'clientId')} is an Application account and that the Navigator licence allows the API`;
    return { kind: 'failed', error: fail(FailureType.Forbidden, message, ctx, init) };
  }
  if (a.status === 429) {
    const when =
      init.retryAfterMs === undefined ? 'with backoff' : `after ${init.retryAfterMs} ms (Retry-After)`;
    const message = `${call(ctx)} was throttled (HTTP 429): retrying ${when}; lower ${setting(ctx, 'requestsPerSecond')} if this persists`;
    return { kind: 'failed', error: fail(FailureType.RateLimited, message, ctx, init) };
  }
  if (a.status === 408 || a.status >= 500) {
    const what = answeredHtml(a) ? ' (an HTML error page)' : detail;
    return {
      kind: 'failed',
      error: fail(FailureType.Transient, `${call(ctx)} failed with HTTP ${a.status}${what}`, ctx, init),
    };
  }
  return undefined;
}

/** Message-only failures: a setting names something Navigator does not have, or one record is gone. */
function byMessage(a: Answer, ctx: CallContext, text: string): Verdict | undefined {
  const bad = (what: string, key: string) => ({
    kind: 'failed' as const,
    error: fail(
      FailureType.BadConfig,
      `Navigator ${ctx.navigatorId} has no ${what} (HTTP ${a.status} "${text}"): check ${ctx.setting ?? setting(ctx, key)}`,
      ctx,
      { status: a.status },
    ),
  });
  const cls = MESSAGES.classNotFound.exec(text);
  if (cls) return bad(`object class "${cls[1]}"`, 'classes');
  const field = MESSAGES.fieldNotFound.exec(text);
  if (field) return bad(`field "${field[1]}"`, 'fields (or deviceIdField, statusField)');
  const action = MESSAGES.actionNotFound.exec(text);
  if (action) return bad(`action ${action[1]}`, 'templates (or actions)');
  if (MESSAGES.objectNotFound.test(text)) return { kind: 'missing', errorText: text };
  if (MESSAGES.serverTrouble.test(text)) {
    const type = MESSAGES.throttled.test(text) ? FailureType.RateLimited : FailureType.Transient;
    const message = `${call(ctx)} failed (HTTP ${a.status} "${text}"): retrying`;
    return { kind: 'failed', error: fail(type, message, ctx, { status: a.status }) };
  }
  return undefined;
}

/** Judges an API answer (not the token endpoint's). */
export function judge(a: Answer, ctx: CallContext): Verdict {
  const html = answeredHtml(a);
  if (html && a.status < 500 && a.status !== 408 && a.status !== 429)
    return { kind: 'failed', error: notTheApi(ctx, a.status) };
  if (a.status >= 300 && a.status < 400)
    return { kind: 'failed', error: notTheApi(ctx, a.status, 'was redirected') };
  const env = envelopeSchema.safeParse(a.data);
  const text = env.success ? ctx.redact(env.data.errorText ?? '').slice(0, 300) : '';
  const verdict = byStatus(a, ctx, text) ?? byMessage(a, ctx, text);
  if (verdict) return verdict;
  if (!env.success) {
    const what = a.status === 404 ? 'has no such route' : 'answered without the Navigator envelope';
    return { kind: 'failed', error: notTheApi(ctx, a.status, what) };
  }
  if (a.status < 300 && env.data.success)
    return { kind: 'ok', body: env.data.responseObject, errorText: text };
  const errorCode = env.data.errorCode ?? undefined;
  return {
    kind: 'refused',
    errorText: text || `HTTP ${a.status}, no errorText`,
    errorCode,
    status: a.status,
  };
}

/** A failed token request: bad credentials name the settings; one failed request, never a retry here. */
export function tokenFailure(a: Answer, ctx: CallContext): NavigatorError {
  if (answeredHtml(a) && a.status < 500) return notTheApi(ctx, a.status);
  if (a.status === 400 || a.status === 401) {
    const body = oauthErrorSchema.safeParse(a.data);
    const code =
      body.success && body.data.error && /^[\w.-]{1,64}$/.test(body.data.error)
        ? body.data.error
        : 'invalid_client';
    const message = `Navigator ${ctx.navigatorId} refused the application's credentials (${code}, HTTP ${a.status}): check ${setting(ctx, 'clientId')} and ${setting(ctx, 'clientSecret')} (Settings App > Accounts and Roles > Applications)`;
    return fail(FailureType.BadCredentials, message, ctx, { status: a.status });
  }
  if (a.status === 404 || a.status === 405) return notTheApi(ctx, a.status, 'has no token endpoint');
  const verdict = byStatus(a, ctx, '');
  if (verdict?.kind === 'failed') return verdict.error;
  return fail(FailureType.ClientError, `${call(ctx)} was rejected with HTTP ${a.status}`, ctx, {
    status: a.status,
  });
}

/** A Navigator answering "denied" to a token it has just issued: the account cannot use the API. */
export function deniedTwice(ctx: CallContext): NavigatorError {
  const message = `${call(ctx)} denied a freshly issued token ("Authorization has been denied for this request." twice): check ${setting(ctx, 'clientId')} and ${setting(ctx, 'clientSecret')}`;
  return fail(FailureType.BadCredentials, message, ctx, { status: 401 });
}

/** Every token a call got ran out before its answer came: retryable (the call waited too long). */
export function tokensOutlived(ctx: CallContext): NavigatorError {
  const message = `${call(ctx)}: each new token ran out before the call was answered (tokens live shorter than the wait for an answer): retrying`;
  return fail(FailureType.Transient, message, ctx, { status: 401 });
}

const REASONS: Record<string, string> = {
  ECONNABORTED: 'timed out',
  ETIMEDOUT: 'timed out',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed while sending',
  ECONNREFUSED: 'the connection was refused',
  ENOTFOUND: 'the host name was not found',
  EAI_AGAIN: 'the host name could not be resolved',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ERR_CANCELED: 'the request was cancelled',
};
/** Codes of a connection that never opened: the request cannot have reached Navigator. */
const NEVER_SENT = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'];

export function errorCodeOf(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'unknown';
}

/** What went wrong with a request that got no answer, in a few words (no secrets: a code and a duration). */
export function noAnswerReason(err: unknown, timeoutMs: number): string {
  const code = errorCodeOf(err);
  const reason =
    code === 'ECONNABORTED' || code === 'ETIMEDOUT'
      ? `timed out after ${timeoutMs} ms`
      : (REASONS[code] ?? 'a network error occurred');
  return `${reason} (${code})`;
}

/** False only when the connection never opened (refused, DNS): then nothing was written. */
export function mayHaveArrived(err: unknown): boolean {
  return !NEVER_SENT.includes(errorCodeOf(err));
}

/** A request that got no answer: Transient, naming host:port (and the apiUrl setting when nothing listens). */
export function networkFailure(err: unknown, ctx: CallContext, timeoutMs: number): NavigatorError {
  const hint = mayHaveArrived(err)
    ? ''
    : `: check ${setting(ctx, 'apiUrl')} and that Navigator is reachable from the worker`;
  return fail(
    FailureType.Transient,
    `${call(ctx)} at ${ctx.hostPort}: ${noAnswerReason(err, timeoutMs)}${hint}`,
    ctx,
  );
}
