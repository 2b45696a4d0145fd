/** Defaults and validation of NavigatorClientOptions: a bad value is BadConfig naming `navigators.<id>.<field>`. */
import { FailureType } from '../../common/failure-types';
import type { NavigatorClientOptions } from './client-types';
import { NavigatorError } from './errors';
import { DEFAULT_REFRESH_MARGIN_MS } from './schema';

export const NAVIGATOR_DEFAULTS = {
  timeoutMs: 30_000,
  requestsPerSecond: 20,
  concurrency: 4,
  pageSize: 200,
} as const;

export interface NavigatorSettings {
  navigatorId: string;
  /** Origin plus the virtual directory, without a trailing slash. */
  apiUrl: string;
  /** host:port of the API URL, for messages about the network. */
  hostPort: string;
  clientId: string;
  timeoutMs: number;
  requestsPerSecond: number;
  concurrency: number;
  pageSize: number;
  refreshMarginMs: number;
}

function positive(
  id: string,
  field: string,
  value: number | undefined,
  fallback: number,
  zero = false,
): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0 || (v === 0 && !zero))
    throw new NavigatorError(
      FailureType.BadConfig,
      `navigators.${id}.${field} must be a positive number (got ${v})`,
      {
        navigatorId: id,
      },
    );
  return v;
}

/** Fills in defaults and checks every option; throws NavigatorError(BadConfig). */
export function resolveNavigatorSettings(opts: NavigatorClientOptions): NavigatorSettings {
  const id = opts.navigatorId;
  const bad = (field: string, problem: string) =>
    new NavigatorError(FailureType.BadConfig, `navigators.${id}.${field} ${problem}`, { navigatorId: id });
  let url: URL;
  try {
    url = new URL(opts.apiUrl);
  } catch {
    throw bad('apiUrl', 'is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw bad('apiUrl', 'must be an http(s) URL');
  if (url.username || url.password || url.search || url.hash)
    throw bad('apiUrl', 'must not carry credentials, a query or a fragment');
  if (!opts.clientId.trim()) throw bad('clientId', 'is empty');
  if (!opts.clientSecret) throw bad('clientSecret', 'resolves to an empty secret');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return {
    navigatorId: id,
    apiUrl: `${url.origin}${url.pathname.replace(/\/+$/, '')}`,
    hostPort: `${url.hostname}:${port}`,
    clientId: opts.clientId.trim(),
    timeoutMs: positive(id, 'timeoutMs', opts.timeoutMs, NAVIGATOR_DEFAULTS.timeoutMs),
    requestsPerSecond: positive(
      id,
      'requestsPerSecond',
      opts.requestsPerSecond,
      NAVIGATOR_DEFAULTS.requestsPerSecond,
    ),
    concurrency: Math.ceil(positive(id, 'concurrency', opts.concurrency, NAVIGATOR_DEFAULTS.concurrency)),
    pageSize: Math.ceil(positive(id, 'pageSize', opts.pageSize, NAVIGATOR_DEFAULTS.pageSize)),
    refreshMarginMs: positive(id, 'refreshMarginMs', opts.refreshMarginMs, DEFAULT_REFRESH_MARGIN_MS, true),
  };
}
