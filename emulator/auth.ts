/**
 * App registrations, access tokens and the Security log of one site. Secrets are shown
 * once and stored only as a salted SHA-256; tokens are stored by their SHA-256 too.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface Registration {
  clientId: string;
  name: string;
  createdAt: string;
  expiresAt: string;
  enabled: boolean;
  lastUsedAt?: string;
  readonly secretSalt: Buffer;
  readonly secretHash: Buffer;
}

export interface RegistrationOptions {
  name?: string;
  expiresAt?: string;
  enabled?: boolean;
  /**
   * Emulator only: re-create a registration with credentials saved earlier (the demo keeps
   * its App registration across restarts of the in-memory emulator). A real site never
   * lets a caller choose them.
   */
  restore?: { clientId: string; clientSecret: string };
}

export interface SecurityEvent {
  at: string;
  event: 'Service authentication failed';
  clientId: string;
  reason: string;
}

export type AuthFailure = { ok: false; status: 401 | 403; error: string; message: string };
export type TokenResult = { ok: true; accessToken: string; expiresIn: number } | AuthFailure;

const CLIENT_ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const MAX_LOG = 10_000;
const YEAR_MS = 365 * 86_400_000;

function sha256(...parts: (Buffer | string)[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

function newClientId(): string {
  return Array.from(randomBytes(20), (b) => CLIENT_ID_CHARS[b % CLIENT_ID_CHARS.length]).join('');
}

export class AuthState {
  private readonly registrations = new Map<string, Registration>();
  /** sha256(token) hex → owner and expiry. */
  private tokens = new Map<string, { clientId: string; expiresAtMs: number }>();
  private readonly log: SecurityEvent[] = [];
  /** Raw tokens issued (most recent MAX_LOG): a test aid to check none leaks anywhere. */
  private readonly issued: string[] = [];

  constructor(private readonly ttlSeconds: number) {}

  create(opts: RegistrationOptions = {}): {
    clientId: string;
    clientSecret: string;
  } {
    const expiresAt = opts.expiresAt ?? new Date(Date.now() + YEAR_MS).toISOString();
    if (Number.isNaN(Date.parse(expiresAt))) throw new Error(`expiresAt is not an ISO date: ${expiresAt}`);
    const clientId = opts.restore?.clientId ?? newClientId();
    const clientSecret = opts.restore?.clientSecret ?? randomBytes(32).toString('base64url');
    if (this.registrations.has(clientId)) throw new Error(`registration ${clientId} exists already`);
    const secretSalt = randomBytes(16);
    this.registrations.set(clientId, {
      clientId,
      name: opts.name ?? `registration-${this.registrations.size + 1}`,
      createdAt: new Date().toISOString(),
      expiresAt: new Date(expiresAt).toISOString(),
      enabled: opts.enabled ?? true,
      secretSalt,
      secretHash: sha256(secretSalt, clientSecret),
    });
    return { clientId, clientSecret };
  }

  /** The stored registration (hash only, never the secret); throws if unknown. */
  get(clientId: string): Registration {
    const reg = this.registrations.get(clientId);
    if (!reg) throw new Error(`unknown registration ${clientId}`);
    return reg;
  }

  list(): Omit<Registration, 'secretSalt' | 'secretHash'>[] {
    return [...this.registrations.values()].map(({ secretSalt: _s, secretHash: _h, ...rest }) => rest);
  }

  delete(clientId: string): void {
    this.get(clientId);
    this.registrations.delete(clientId);
  }

  revokeTokens(): void {
    this.tokens = new Map();
  }

  issuedTokens(): string[] {
    return [...this.issued];
  }

  securityLog(): SecurityEvent[] {
    return this.log.map((e) => ({ ...e }));
  }

  /** The token endpoint: checks credentials, records failures in the Security log. */
  issue(clientId: string, clientSecret: string): TokenResult {
    const reg = this.registrations.get(clientId);
    const failure = this.credentialFailure(reg, clientSecret);
    if (failure) {
      this.record(clientId, failure.reason);
      return { ok: false, status: failure.status, error: failure.error, message: failure.reason };
    }
    if (reg) reg.lastUsedAt = new Date().toISOString();
    const accessToken = randomBytes(32).toString('base64url');
    this.sweep();
    if (this.issued.length >= MAX_LOG) this.issued.shift();
    this.issued.push(accessToken);
    this.tokens.set(sha256(accessToken).toString('hex'), {
      clientId,
      expiresAtMs: Date.now() + this.ttlSeconds * 1000,
    });
    return { ok: true, accessToken, expiresIn: this.ttlSeconds };
  }

  /** Bearer check of an API call: 401 for unknown/expired/revoked tokens, 403 for a disabled/expired registration. */
  check(authorization: string | undefined): AuthFailure | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match?.[1])
      return { ok: false, status: 401, error: 'invalid_token', message: 'missing bearer token' };
    const token = this.tokens.get(sha256(match[1]).toString('hex'));
    const reg = token && this.registrations.get(token.clientId);
    if (!token || !reg || token.expiresAtMs <= Date.now()) {
      return { ok: false, status: 401, error: 'invalid_token', message: 'invalid or expired access token' };
    }
    if (!reg.enabled)
      return {
        ok: false,
        status: 403,
        error: 'registration_disabled',
        message: 'App registration is disabled',
      };
    if (Date.parse(reg.expiresAt) <= Date.now()) {
      return {
        ok: false,
        status: 403,
        error: 'registration_expired',
        message: 'App registration has expired',
      };
    }
    return undefined;
  }

  private credentialFailure(
    reg: Registration | undefined,
    secret: string,
  ): { status: 401 | 403; error: string; reason: string } | undefined {
    if (!reg) return { status: 401, error: 'invalid_client', reason: 'unknown client' };
    if (!timingSafeEqual(sha256(reg.secretSalt, secret), reg.secretHash)) {
      return { status: 401, error: 'invalid_client', reason: 'invalid client secret' };
    }
    if (!reg.enabled) return { status: 403, error: 'registration_disabled', reason: 'registration disabled' };
    if (Date.parse(reg.expiresAt) <= Date.now()) {
      return { status: 403, error: 'registration_expired', reason: 'registration expired' };
    }
    return undefined;
  }

  private record(clientId: string, reason: string): void {
    if (this.log.length >= MAX_LOG) this.log.shift();
    this.log.push({ at: new Date().toISOString(), event: 'Service authentication failed', clientId, reason });
  }

  /** Drops expired tokens now and then, so the map is bounded by live tokens. */
  private sweep(): void {
    if (this.tokens.size < 1000) return;
    const now = Date.now();
    for (const [key, t] of this.tokens) if (t.expiresAtMs <= now) this.tokens.delete(key);
  }
}
