/**
 * Navigator access tokens: one per Navigator (API URL + Application ID, plus a fingerprint of
 * the secret, so a changed secret is checked by a token request rather than masked by a cached
 * token), held in the worker's token cache (activities/alloyscan/token-cache.ts: single-flight,
 * failures not cached). Only the expiry arithmetic is Navigator's own.
 */
import { createHash } from 'node:crypto';
import type { AccessToken } from '../alloyscan/token-cache';

export { clearTokenCache, getToken, invalidateToken } from '../alloyscan/token-cache';
export type { AccessToken } from '../alloyscan/token-cache';

/** The cache key of a Navigator's application account. */
export function navigatorTokenKey(apiUrl: string, clientId: string, secret: string): string {
  const fingerprint = createHash('sha256').update(secret).digest('base64url').slice(0, 16);
  return JSON.stringify(['navigator', apiUrl, clientId, fingerprint]);
}

/** A token issued at `issuedAt` (ms, taken before the request went out) that lives `expiresInSeconds`. */
export function tokenFrom(value: string, expiresInSeconds: number, issuedAt: number): AccessToken {
  const lifetimeMs = expiresInSeconds * 1000;
  return { value, expiresAt: issuedAt + lifetimeMs, lifetimeMs };
}

/**
 * When the cache asks for a new token: `marginMs` before it runs out, the margin capped at half
 * the lifetime (a 4-minute token is still reused for 2 minutes). Mirrors getToken's rule.
 */
export function renewsAt(token: AccessToken, marginMs: number): number {
  return token.expiresAt - Math.min(marginMs, token.lifetimeMs / 2);
}
