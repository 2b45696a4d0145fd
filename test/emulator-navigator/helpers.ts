/** Plain-fetch helpers for the Navigator emulator's contract tests (independent of the API client). */
import assert from 'node:assert/strict';
import type { NavigatorEmulator } from '../../emulator/navigator';

export type Json = Record<string, unknown>;

export interface Envelope<T = unknown> {
  success: boolean;
  errorCode: number;
  errorText: string;
  responseObject: T;
}

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface ListAnswer {
  Fields: { Name: string; DataType: string; Caption: string }[];
  Data: string[][];
}

export async function requestToken(
  emu: NavigatorEmulator,
  creds: { clientId: string; secret: string } = emu.registration,
): Promise<HttpResult<Json>> {
  const res = await fetch(`${emu.apiUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: creds.clientId,
      client_secret: creds.secret,
    }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
}

/** A valid access token of the emulator's own Application. */
export async function login(emu: NavigatorEmulator): Promise<string> {
  const res = await requestToken(emu);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return String(res.body.access_token);
}

/** One API call under the API URL (`/v2/Computers`); JSON body when given. */
export async function call<T = unknown>(
  emu: NavigatorEmulator,
  token: string | undefined,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<HttpResult<Envelope<T>>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token !== undefined) headers.authorization = `bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${emu.apiUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Envelope<T> };
}

/** A call that must succeed: its responseObject. */
export async function ok<T = unknown>(
  emu: NavigatorEmulator,
  token: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await call<T>(emu, token, method, path, body);
  assert.equal(res.status, 200, `${method} ${path}: ${JSON.stringify(res.body)}`);
  assert.equal(res.body.success, true, `${method} ${path}: ${JSON.stringify(res.body)}`);
  assert.equal(res.body.errorCode, 0);
  assert.equal(res.body.errorText, '');
  return res.body.responseObject;
}

/** Asserts a failure envelope with its status and text. */
export function assertFailure(res: HttpResult<Envelope>, status: number, errorText: string | RegExp): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.success, false);
  assert.equal(typeof res.body.errorCode, 'number');
  assert.notEqual(res.body.errorCode, 0);
  if (typeof errorText === 'string') assert.equal(res.body.errorText, errorText);
  else assert.match(res.body.errorText, errorText);
}

/** Rows of a listing as objects keyed by field name. */
export function rows(answer: ListAnswer): Record<string, string>[] {
  const names = answer.Fields.map((f) => f.Name);
  return answer.Data.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i] ?? ''])));
}

export async function admin<T = unknown>(
  emu: NavigatorEmulator,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<HttpResult<T>> {
  const res = await fetch(`${emu.url}/admin${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: (text === '' ? undefined : JSON.parse(text)) as T,
  };
}

/** Creates a Computer through Template 301; returns its OID and GUID. */
export async function createComputer(
  emu: NavigatorEmulator,
  token: string,
  fields: Record<string, unknown>,
): Promise<{ ObjectID: string; ObjectOID: string }> {
  return ok(emu, token, 'POST', '/v2', { ActionId: '301', Fields: fields });
}
