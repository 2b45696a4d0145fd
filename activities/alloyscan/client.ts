/**
 * The AlloyScan API client: the only axios caller. Timeouts but no retry loop (Temporal owns
 * retries). Tokens are cached per App registration in worker memory; every request waits for
 * the caller's rate budget (rate-budget.ts), which learns from 429s. On a 401 the client
 * re-authenticates once and retries the call once. The secret and tokens live only in this
 * closure and the token cache: never in an error, a log line or the returned object.
 *
 * Each call is cheap: keep-alive agents, axios's own timeout as the one timeout, and the
 * activity's cancellation signal passed as it is (no signal composed per request).
 */
import { setMaxListeners } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import axios from 'axios';
import type { z } from 'zod';
import type { SourceSnapshot } from '../../common/domain';
import { FailureType } from '../../common/failure-types';
import type { AlloyScanClient, AlloyScanClientOptions, ProductPage } from './client-types';
import {
  type FailureContext,
  type HttpResult,
  answeredHtml,
  apiFailure,
  htmlAnswer,
  networkFailure,
  parseRetryAfter,
  tokenFailure,
} from './classify';
import { AlloyScanError } from './errors';
import { formatIssues, parseEnvelope, parseGroups, parseItems, parseRecord } from './parse';
import { activityMeter, callCounter } from '../metrics';
import { currentContext } from '../run-helpers';
import { RateBudget } from './rate-budget';
import { exchange, parseBody, proxyInEnvironment, targetOf } from './transport';
import { resolveSettings } from './settings';
import * as schema from './schema';
import { type AccessToken, getToken, invalidateToken, tokenCacheKey } from './token-cache';

const MISSING = Symbol('404');
const API = schema.API_PATHS;
type PageParams = { offset: number; limit: number; type?: string | undefined };

const agents = {
  httpAgent: new http.Agent({ keepAlive: true }),
  httpsAgent: new https.Agent({ keepAlive: true }),
};

interface Request {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  params?: PageParams;
  data?: string;
  headers?: Record<string, string>;
}

/** A page's query string (built here: axios's own params serialiser is slow per call). */
function query(p: PageParams): string {
  const q = `offset=${p.offset}&limit=${p.limit}`;
  return p.type === undefined ? q : `${q}&type=${encodeURIComponent(p.type)}`;
}

interface Answer {
  status: number;
  data: unknown;
  headers: Record<string, unknown>;
}
type Send = (req: Request, signal: AbortSignal | undefined) => Promise<Answer>;

/** An answer after cancellation is dropped, as axios drops it (its error code ERR_CANCELED). */
function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw Object.assign(new Error('canceled'), { code: 'ERR_CANCELED' });
}

/**
 * Requests as axios sent them (Accept: application/json, no redirects followed, every status
 * answered, the body parsed as axios parses it), without axios's per-call work.
 */
function direct(siteUrl: string, timeoutMs: number): Send {
  const site = targetOf(new URL(siteUrl));
  // The site's path without its trailing slash; API paths start with one and are encoded already.
  const prefix = site.path.replace(/\/+$/, '');
  return async (req, signal) => {
    throwIfCancelled(signal);
    const path = prefix + req.path + (req.params ? `?${query(req.params)}` : '');
    const url = { ...site, path };
    const headers = { Accept: 'application/json', ...req.headers };
    try {
      const a = await exchange({ url, method: req.method, headers, body: req.data, timeoutMs, signal });
      throwIfCancelled(signal);
      return { status: a.status, data: parseBody(a.text), headers: a.headers };
    } catch (err) {
      throwIfCancelled(signal);
      throw err;
    }
  };
}

/** Through a proxy named in the environment: axios and its own adapter, which knows proxies. */
function viaAxios(siteUrl: string, timeoutMs: number): Send {
  const api = axios.create({
    baseURL: siteUrl,
    timeout: timeoutMs,
    headers: { Accept: 'application/json' },
    maxRedirects: 0,
    validateStatus: () => true,
    ...agents,
  });
  return async ({ method, path, params, data, headers }, signal) => {
    const url = params ? `${path}?${query(params)}` : path;
    const res = await api.request<unknown>({ method, url, data, headers, signal });
    return { status: res.status, data: res.data, headers: res.headers };
  };
}

/** Creates a client for one site and App registration (the secret is the resolved value). */
export function createAlloyScanClient(opts: AlloyScanClientOptions): AlloyScanClient {
  const s = resolveSettings(opts);
  const secret = opts.clientSecret;
  const cacheKey = tokenCacheKey(s.siteUrl, s.tokenPath, s.clientId, secret);
  const budget = opts.budget ?? new RateBudget({ ceiling: s.requestsPerSecond });
  const cancel = currentContext()?.cancellationSignal;
  // Each request in flight listens on the one signal (a page sends dozens at once): not a leak.
  if (cancel) setMaxListeners(0, cancel);
  const origin = new URL(s.siteUrl).host;
  const countCall = callCounter(activityMeter(), opts.jobId ?? s.clientId);
  const request = proxyInEnvironment() ? viaAxios(s.siteUrl, s.timeoutMs) : direct(s.siteUrl, s.timeoutMs);
  const counters = { apiCalls: 0, tokenRequests: 0 };
  /** Tokens this client has sent: redacted, like the secret, from any text the server echoes. */
  const seenTokens = new Set<string>();
  // The secret as sent in the form body (URL-encoded) too: a server may echo either form.
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
  const ctx = (req: { method: string; path: string }): FailureContext => ({
    ...req,
    host: origin,
    clientId: s.clientId,
    redact,
  });

  async function send(req: Request): Promise<HttpResult> {
    await budget.acquire();
    counters.apiCalls++;
    let res;
    const isToken = req.path === s.tokenPath;
    try {
      res = await request(req, cancel);
    } catch (err) {
      countCall(undefined, isToken);
      budget.onAnswered();
      throw networkFailure(err, ctx(req), s.timeoutMs);
    }
    countCall(res.status, isToken);
    const result: HttpResult = {
      status: res.status,
      data: res.data,
      contentType: res.headers['content-type'],
      retryAfter: res.headers['retry-after'],
      location: res.headers.location,
    };
    if (res.status === 429) budget.onThrottled(parseRetryAfter(result.retryAfter));
    else budget.onAnswered();
    if (res.status >= 200 && res.status < 300 && answeredHtml(result)) throw htmlAnswer(ctx(req), res.status);
    return result;
  }

  async function fetchToken(): Promise<AccessToken> {
    counters.tokenRequests++;
    const started = Date.now();
    const req = { method: 'POST', path: s.tokenPath } as const;
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    const res = await send({ ...req, data: schema.tokenRequestBody(s.clientId, secret), headers: form });
    if (res.status < 200 || res.status >= 300) throw tokenFailure(res, ctx(req));
    const body = schema.tokenResponseSchema.safeParse(res.data);
    if (!body.success) {
      const why = `AlloyScan token endpoint ${s.tokenPath} returned an unexpected response (${formatIssues(body.error)})`;
      throw new AlloyScanError(FailureType.SchemaMismatch, why, { ...req, status: res.status });
    }
    const lifetimeMs = body.data.expires_in * 1000;
    return { value: body.data.access_token, expiresAt: started + lifetimeMs, lifetimeMs };
  }

  const token = (): Promise<AccessToken> => getToken(cacheKey, fetchToken, s.refreshMarginMs);

  /** An authorised call: on a 401, one new token and one retry; a second 401 is Transient. */
  async function call(req: Request): Promise<[HttpResult, AccessToken]> {
    for (let attempt = 1; ; attempt++) {
      const used = await token();
      seenTokens.add(used.value);
      const res = await send({ ...req, headers: { Authorization: `Bearer ${used.value}` } });
      if (res.status !== 401) return [res, used];
      invalidateToken(cacheKey, used);
      if (attempt === 2) {
        const why = `AlloyScan ${req.method} ${req.path} rejected a freshly issued access token (HTTP 401 twice): retrying later`;
        throw new AlloyScanError(FailureType.Transient, why, {
          method: req.method,
          path: req.path,
          status: 401,
        });
      }
    }
  }

  /**
   * The body of a 2xx response, MISSING on a 404 when `allow404`; any other status throws its
   * failure. A disabled or expired registration also drops the cached token, so that the next
   * authenticate() (e.g. a connection test after the fix) asks the token endpoint again.
   */
  async function body(req: Request, allow404: boolean): Promise<unknown> {
    const [res, used] = await call(req);
    if (res.status === 404 && allow404) return MISSING;
    if (res.status >= 200 && res.status < 300) return res.data;
    const failure = apiFailure(res, ctx(req));
    if (
      failure.type === FailureType.RegistrationDisabled ||
      failure.type === FailureType.RegistrationExpired
    ) {
      invalidateToken(cacheKey, used);
    }
    throw failure;
  }

  async function page<T>(path: string, kind: string, itemSchema: z.ZodType<T>, params: PageParams) {
    const data = await body({ method: 'GET', path, params }, false);
    const envelope = parseEnvelope(data, { method: 'GET', path, status: 200 });
    const position = (i: number): string => `${kind}?offset=${params.offset}#${i}`;
    const parsed = parseItems(envelope.items, itemSchema, kind, position);
    return { ...parsed, received: envelope.items.length, total: envelope.total };
  }

  async function record<T>(
    path: string,
    kind: string,
    itemSchema: z.ZodType<T>,
    id: string,
  ): Promise<T | undefined> {
    const data = await body({ method: 'GET', path }, true);
    if (data === MISSING) return undefined;
    return parseRecord(data, itemSchema, kind, id, { method: 'GET', path, status: 200 });
  }

  return {
    authenticate: async () => void (await token()),
    listDevices: ({ offset, limit, type }) =>
      page(API.devices, 'devices', schema.deviceSchema, { offset, limit, type }),
    getDevice: (id) => record(API.device(id), 'device', schema.deviceDetailSchema, id),
    getSnapshot: async (id): Promise<SourceSnapshot | undefined> => {
      const snapshot = await record(API.snapshot(id), 'snapshot', schema.snapshotSchema, id);
      return snapshot && { ...snapshot, id: snapshot.id ?? id };
    },
    listSoftware: ({ offset, limit }): Promise<ProductPage> =>
      page(API.software, 'software', schema.productSchema, { offset, limit }),
    getProduct: (id) => record(API.product(id), 'product', schema.productSchema, id),
    listSoftwareGroups: async () => {
      const path = API.softwareGroups;
      const data = await body({ method: 'GET', path }, true);
      return data === MISSING ? undefined : parseGroups(data, { method: 'GET', path, status: 200 });
    },
    deleteDevice: async (id) =>
      (await body({ method: 'DELETE', path: API.device(id) }, true)) === MISSING ? 'already-gone' : 'deleted',
    get apiCalls() {
      return counters.apiCalls;
    },
    get tokenRequests() {
      return counters.tokenRequests;
    },
  };
}
