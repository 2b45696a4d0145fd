/**
 * Application accounts (Application ID + Secret) and their access tokens. Secrets are kept
 * only as a salted SHA-256, tokens by their SHA-256; neither is ever logged or echoed.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

export interface Application {
  clientId: string;
  name: string;
}

interface StoredApplication extends Application {
  salt: Buffer;
  hash: Buffer;
}

const sha256 = (...parts: (Buffer | string)[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

export class NavigatorAuth {
  private readonly apps = new Map<string, StoredApplication>();
  private tokens = new Map<string, { clientId: string; expiresAtMs: number }>();

  /** Registers an application; generates the ID and the secret unless given. */
  register(
    opts: { clientId?: string; secret?: string; name?: string } = {},
  ): Application & { secret: string } {
    const clientId = opts.clientId ?? randomUUID();
    if (this.apps.has(clientId)) throw new Error(`application ${clientId} exists already`);
    const secret = opts.secret ?? randomBytes(24).toString('base64url');
    const salt = randomBytes(16);
    const name = opts.name ?? `application-${this.apps.size + 1}`;
    this.apps.set(clientId, { clientId, name, salt, hash: sha256(salt, secret) });
    return { clientId, name, secret };
  }

  applications(): Application[] {
    return [...this.apps.values()].map(({ clientId, name }) => ({ clientId, name }));
  }

  /** A new token for good credentials, undefined for bad ones. */
  issue(clientId: string, secret: string, ttlSeconds: number): string | undefined {
    const app = this.apps.get(clientId);
    if (!app || !timingSafeEqual(sha256(app.salt, secret), app.hash)) return undefined;
    const token = randomBytes(32).toString('base64url');
    this.sweep();
    this.tokens.set(sha256(token).toString('hex'), { clientId, expiresAtMs: Date.now() + ttlSeconds * 1000 });
    return token;
  }

  /** True when the Authorization header carries a live token (scheme in any case). */
  check(authorization: string | undefined): boolean {
    const match = /^bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match?.[1]) return false;
    const t = this.tokens.get(sha256(match[1]).toString('hex'));
    return t !== undefined && t.expiresAtMs > Date.now() && this.apps.has(t.clientId);
  }

  /** Every token answers 401 from now on. */
  revokeTokens(): void {
    this.tokens = new Map();
  }

  private sweep(): void {
    if (this.tokens.size < 1000) return;
    const now = Date.now();
    for (const [key, t] of this.tokens) if (t.expiresAtMs <= now) this.tokens.delete(key);
  }
}
