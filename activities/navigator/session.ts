/**
 * One client's way to Navigator: every HTTP request waits for the Navigator's in-flight bound
 * and rate budget (transport.ts), is counted, and comes back as an answer or as "no answer"
 * (the caller decides: a read throws, a write may be 'unknown'). Authorised calls carry the
 * cached token; "denied" gets one new token and one retry. The secret and tokens live only in
 * this closure and the token cache, and are redacted from any text Navigator echoes.
 */
import type { Logger } from '@temporalio/common';
import { FailureType } from '../../common/failure-types';
import { parseRetryAfter } from '../alloyscan/classify';
import { activityMeter, navigatorCallCounter } from '../metrics';
import { currentContext } from '../run-helpers';
import {
  type Answer,
  type CallContext,
  type Verdict,
  answeredHtml,
  deniedTwice,
  tokensOutlived,
  errorCodeOf,
  judge,
  networkFailure,
  tokenFailure,
} from './classify';
import type { NavigatorClientOptions } from './client-types';
import { NavigatorError } from './errors';
import { PATHS, tokenAnswerSchema, tokenRequestBody } from './schema';
import { resolveNavigatorSettings } from './settings';
import { type AccessToken, getToken, invalidateToken, navigatorTokenKey, tokenFrom } from './token-cache';
import { createNavigatorHttp, navigatorLimits } from './transport';

export type CallKind = 'read' | 'write' | 'token';

/** New tokens a call may ask for when each ran out before its answer came (a queue, a slow answer). */
const MAX_TOKEN_ATTEMPTS = 4;

export interface NavRequest {
  method: 'GET' | 'POST';
  path: string;
  kind: CallKind;
  data?: unknown;
  /** The setting an unknown class, field or action names in the failure. */
  setting?: string | undefined;
}

/** An answer, or the network error of a request that got none. */
export type Sent = { answer: Answer } | { noAnswer: unknown };
export type Judged = { verdict: Verdict } | { noAnswer: unknown };

export function createSession(opts: NavigatorClientOptions) {
  const s = resolveNavigatorSettings(opts);
  const secret = opts.clientSecret;
  const tokenKey = navigatorTokenKey(s.apiUrl, s.clientId, secret);
  const { semaphore, budget } = navigatorLimits(
    `${s.navigatorId} ${s.apiUrl}`,
    s.concurrency,
    s.requestsPerSecond,
  );
  const http = createNavigatorHttp(s.apiUrl, s.timeoutMs);
  const context = currentContext();
  const log: Pick<Logger, 'info' | 'warn'> | undefined = opts.logger ?? context?.log;
  const countCall = navigatorCallCounter(activityMeter(), s.navigatorId, opts.jobId ?? s.navigatorId);
  const counters = { apiCalls: 0, writeCalls: 0, throttled: 0, tokenRequests: 0 };
  const seenTokens = new Set<string>();
  const secretForms = [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
  ];
  const redact = (text: string): string =>
    [...secretForms, ...seenTokens].reduce(
      (t, hidden) => (hidden ? t.split(hidden).join('[redacted]') : t),
      text,
    );
  const ctx = (req: NavRequest): CallContext => ({
    navigatorId: s.navigatorId,
    method: req.method,
    path: req.path,
    hostPort: s.hostPort,
    redact,
    setting: req.setting,
  });

  async function send(req: NavRequest, headers: Record<string, string> = {}): Promise<Sent> {
    return semaphore.run(async () => {
      await budget.acquire();
      counters.apiCalls++;
      if (req.kind === 'write') counters.writeCalls++;
      let res;
      try {
        const signal = context?.cancellationSignal;
        res = await http.request<unknown>({
          method: req.method,
          url: req.path,
          data: req.data,
          headers,
          signal,
        });
      } catch (err) {
        countCall(undefined, req.kind);
        // A timeout slows the budget; any other failure without an answer ends a probe (the
        // budget waits for an answer after an isolated 429 before it lets more calls out).
        if (/^(ECONNABORTED|ETIMEDOUT)$/.test(errorCodeOf(err))) budget.onThrottled(undefined);
        else budget.onAnswered();
        return { noAnswer: err };
      }
      countCall(res.status, req.kind);
      const answer: Answer = {
        status: res.status,
        data: res.data,
        contentType: res.headers['content-type'],
        retryAfter: res.headers['retry-after'] as unknown,
      };
      if (res.status === 429 || res.status === 503) throttledBy(req, answer);
      else budget.onAnswered();
      return { answer };
    });
  }

  function throttledBy(req: NavRequest, answer: Answer): void {
    const retryAfterMs = parseRetryAfter(answer.retryAfter);
    if (answer.status === 429) counters.throttled++;
    budget.onThrottled(retryAfterMs);
    log?.warn('Navigator throttled a call', {
      navigator: s.navigatorId,
      path: req.path,
      status: answer.status,
      retryAfterMs,
    });
  }

  async function fetchToken(): Promise<AccessToken> {
    counters.tokenRequests++;
    const issuedAt = Date.now();
    const req: NavRequest = {
      method: 'POST',
      path: PATHS.token,
      kind: 'token',
      data: tokenRequestBody(s.clientId, secret),
    };
    const sent = await send(req, { 'Content-Type': 'application/x-www-form-urlencoded' });
    if ('noAnswer' in sent) throw networkFailure(sent.noAnswer, ctx(req), s.timeoutMs);
    const { answer } = sent;
    if (answer.status < 200 || answer.status >= 300 || answeredHtml(answer))
      throw tokenFailure(answer, ctx(req));
    const body = tokenAnswerSchema.safeParse(answer.data);
    if (!body.success) {
      const why = `Navigator ${s.navigatorId} POST ${PATHS.token} answered without an access_token: check navigators.${s.navigatorId}.apiUrl`;
      throw new NavigatorError(FailureType.SchemaMismatch, why, {
        navigatorId: s.navigatorId,
        status: answer.status,
      });
    }
    log?.info('Navigator token issued', { navigator: s.navigatorId, expiresInSeconds: body.data.expires_in });
    return tokenFrom(body.data.access_token, body.data.expires_in, issuedAt);
  }

  const token = (): Promise<AccessToken> => getToken(tokenKey, fetchToken, s.refreshMarginMs);

  /** An authorised call, judged: "denied" gets one new token and one retry; denied again is BadCredentials. */
  async function authorised(req: NavRequest): Promise<Judged> {
    for (let attempt = 1; ; attempt++) {
      const used = await token();
      seenTokens.add(used.value);
      const sent = await send(req, { Authorization: `Bearer ${used.value}` });
      if ('noAnswer' in sent) return sent;
      const verdict = judge(sent.answer, ctx(req));
      if (verdict.kind !== 'denied') return { verdict };
      invalidateToken(tokenKey, used);
      // A token that ran out while its call waited for the budget or an in-flight slot says
      // nothing about the credentials: only a denial of a token still valid counts.
      const expired = Date.now() >= used.expiresAt;
      if (expired && attempt < MAX_TOKEN_ATTEMPTS) continue;
      if (attempt >= 2 && !expired) throw deniedTwice(ctx(req));
      if (expired) throw tokensOutlived(ctx(req));
      log?.warn('Navigator denied the token: asking for a new one', {
        navigator: s.navigatorId,
        path: req.path,
      });
    }
  }

  return { settings: s, counters, ctx, log, token, authorised };
}

export type Session = ReturnType<typeof createSession>;
