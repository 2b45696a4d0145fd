/** Defaults and validation of AlloyScanClientOptions (a bad value is BadConfig, naming the field). */
import { FailureType } from '../../common/failure-types';
import type { AlloyScanClientOptions } from './client-types';
import { AlloyScanError } from './errors';
import { DEFAULT_TOKEN_PATH } from './schema';

/** Requests per second when a job does not say: within the workload limits of any site. */
export const DEFAULT_REQUESTS_PER_SECOND = 20;

export interface ClientSettings {
  /** Origin plus optional base path, without a trailing slash. */
  siteUrl: string;
  clientId: string;
  tokenPath: string;
  timeoutMs: number;
  requestsPerSecond: number;
  refreshMarginMs: number;
}

function bad(field: string, problem: string): AlloyScanError {
  return new AlloyScanError(FailureType.BadConfig, `AlloyScan client option ${field} ${problem}`);
}

function positive(field: string, value: number | undefined, fallback: number, allowZero = false): number {
  const v = value ?? fallback;
  if (Number.isNaN(v) || v < 0 || (v === 0 && !allowZero))
    throw bad(field, `must be a positive number (got ${v})`);
  return v;
}

/** Fills in defaults and checks every option; throws AlloyScanError(BadConfig). */
export function resolveSettings(opts: AlloyScanClientOptions): ClientSettings {
  let url: URL;
  try {
    url = new URL(opts.siteUrl);
  } catch {
    throw bad('siteUrl', 'is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw bad('siteUrl', 'must be an http(s) URL');
  if (url.username || url.password || url.search)
    throw bad('siteUrl', 'must not carry credentials or a query');
  if (!opts.clientId.trim()) throw bad('clientId', 'is empty');
  if (!opts.clientSecret) throw bad('clientSecret', 'is empty');
  const tokenPath = opts.tokenPath?.trim() || DEFAULT_TOKEN_PATH;
  return {
    siteUrl: `${url.origin}${url.pathname.replace(/\/+$/, '')}`,
    clientId: opts.clientId.trim(),
    tokenPath: /^https?:\/\//.test(tokenPath) || tokenPath.startsWith('/') ? tokenPath : `/${tokenPath}`,
    timeoutMs: positive('timeoutMs', opts.timeoutMs, 30_000),
    requestsPerSecond: positive('requestsPerSecond', opts.requestsPerSecond, DEFAULT_REQUESTS_PER_SECOND),
    refreshMarginMs: positive('refreshMarginMs', opts.refreshMarginMs, 60_000, true),
  };
}
