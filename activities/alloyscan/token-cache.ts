/**
 * Worker-memory cache of access tokens, one entry per App registration, shared by every client
 * (and so every activity) of the worker process. Concurrent callers share one in-flight token
 * request (single-flight); a failed request is not retried here and is not cached: the next
 * call (a later activity attempt) asks again. Tokens never leave this module's Map.
 */
import { createHash } from 'node:crypto';

export interface AccessToken {
  readonly value: string;
  readonly expiresAt: number;
  readonly lifetimeMs: number;
}

interface Entry {
  token?: AccessToken | undefined;
  inflight?: Promise<AccessToken> | undefined;
}

const entries = new Map<string, Entry>();

/**
 * The cache key of a registration: site URL + token path + client ID, plus a fingerprint of the
 * secret so that a changed secret is verified by a token request rather than masked by a cached token.
 */
export function tokenCacheKey(siteUrl: string, tokenPath: string, clientId: string, secret: string): string {
  const fingerprint = createHash('sha256').update(secret).digest('base64url').slice(0, 16);
  return JSON.stringify([siteUrl, tokenPath, clientId, fingerprint]);
}

/**
 * A cached token with more than `marginMs` left (the margin is capped at half the token's
 * lifetime, so a short-lived token is still reused), else the result of one shared `fetch()`.
 */
export function getToken(
  key: string,
  fetch: () => Promise<AccessToken>,
  marginMs: number,
  now: number = Date.now(),
): Promise<AccessToken> {
  const entry = entries.get(key) ?? {};
  entries.set(key, entry);
  const token = entry.token;
  if (token && token.expiresAt - now > Math.min(marginMs, token.lifetimeMs / 2))
    return Promise.resolve(token);
  if (entry.inflight) return entry.inflight;
  const inflight = fetch()
    .then((fresh) => (entry.token = fresh))
    .finally(() => {
      if (entry.inflight === inflight) entry.inflight = undefined;
    });
  entry.inflight = inflight;
  return inflight;
}

/** Drops `token` if it is still the cached one (a caller that already refreshed keeps its new token). */
export function invalidateToken(key: string, token: AccessToken): void {
  const entry = entries.get(key);
  if (entry?.token === token) entry.token = undefined;
}

/** Empties the cache (tests). */
export function clearTokenCache(): void {
  entries.clear();
}
