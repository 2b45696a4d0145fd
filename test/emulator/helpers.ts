/** Plain-fetch helpers for the emulator tests (independent of the project's API client). */
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatedSite } from '../../emulator';

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export type Json = Record<string, unknown>;
export type Page = { items: Json[]; total: number };

export async function requestToken(
  site: EmulatedSite,
  creds: { clientId: string; clientSecret: string },
  path = '/api/oauth/token',
): Promise<HttpResult<Json>> {
  const res = await fetch(`${site.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: creds.clientId,
      client_secret: creds.clientSecret,
    }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
}

/** A registration and a valid access token for it. */
export async function login(
  site: EmulatedSite,
): Promise<{ clientId: string; clientSecret: string; token: string }> {
  const creds = site.createRegistration({ name: 'test' });
  const res = await requestToken(site, creds);
  if (res.status !== 200 || typeof res.body.access_token !== 'string')
    throw new Error(`token failed: ${res.status}`);
  return { ...creds, token: res.body.access_token };
}

export async function api<T = Json>(
  site: EmulatedSite,
  token: string | undefined,
  path: string,
  method = 'GET',
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${site.url}${path}`, { method, headers });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: (text === '' ? undefined : JSON.parse(text)) as T,
  };
}

/** GET that must answer 200. */
export async function get<T = Json>(site: EmulatedSite, token: string, path: string): Promise<T> {
  const res = await api<T>(site, token, path);
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Walks a paged list to the end, advancing by the items received. */
export async function walk(site: EmulatedSite, token: string, path: string, limit: number): Promise<Json[]> {
  const out: Json[] = [];
  const sep = path.includes('?') ? '&' : '?';
  for (let offset = 0; ;) {
    const page = await get<Page>(site, token, `${path}${sep}limit=${limit}&offset=${offset}`);
    out.push(...page.items);
    offset += page.items.length;
    if (page.items.length === 0 || offset >= page.total) return out;
  }
}

export const RATE_LIMITED = { error: 'rate_limited', message: 'API workload limit exceeded' };

/** Sends `n` requests at once and waits for every answer. */
export function burst<T>(n: number, send: () => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: n }, send));
}

/**
 * Waits for the start of the next wall-clock second, so a burst sent right after lands in
 * one limiter window (the emulator runs in this process: same clock).
 */
export async function startOfNextSecond(): Promise<void> {
  await sleep(1000 - (Date.now() % 1000) + 1);
}

/** Waits for the next wall-clock minute when fewer than `marginMs` are left in this one. */
export async function awayFromMinuteEnd(marginMs = 10_000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < marginMs) await sleep(left + 1);
}

/** Whole seconds from `atMs` to the end of its wall-clock minute, at least 1. */
export function secondsToMinuteEnd(atMs: number): number {
  return Math.max(1, Math.ceil((60_000 - (atMs % 60_000)) / 1000));
}
