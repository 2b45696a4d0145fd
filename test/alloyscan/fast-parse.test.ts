/**
 * The fast record check gives exactly zod's result (values, keys, key order) wherever it gives
 * one, gives one for every well-formed record the emulator serves, and leaves every malformed
 * record to zod (so quarantine reasons stay zod's).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { z } from 'zod';
import { fastParse } from '../../activities/alloyscan/fast-parse';
import { deviceDetailSchema, deviceSchema, snapshotSchema } from '../../activities/alloyscan/schema';
import { startTestEmulator, type TestEmulator } from './helpers';

type Raw = Record<string, unknown>;

/** Values and key order, with undefined values kept visible (JSON.stringify drops them). */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shape);
  if (typeof v === 'object' && v !== null)
    return Object.entries(v).map(([k, x]) => [k, x === undefined ? '(undefined)' : shape(x)]);
  return v;
}

/** fastParse either agrees with zod exactly or declines; returns whether it answered. */
function agrees(schema: z.ZodType, raw: unknown): boolean {
  const fast = fastParse(schema, raw);
  const res = schema.safeParse(raw);
  if (fast === undefined) return false;
  assert.ok(res.success, `fast path accepted what zod rejects: ${JSON.stringify(raw).slice(0, 200)}`);
  assert.deepStrictEqual(shape(fast), shape(res.data));
  return true;
}

let emu: TestEmulator;
const records = { devices: [] as Raw[], details: [] as Raw[], snapshots: [] as Raw[] };

before(async () => {
  emu = await startTestEmulator();
  const site = emu.site({ devices: 60 });
  const reg = site.createRegistration({ name: 'fast', expiresAt: '2030-01-01T00:00:00Z' });
  const form = new URLSearchParams({ grant_type: 'client_credentials', ...reg_(reg) });
  const token = (await (
    await fetch(`${site.url}/api/oauth/token`, { method: 'POST', body: form })
  ).json()) as Raw;
  const get = async (path: string): Promise<Raw> =>
    (await (
      await fetch(`${site.url}${path}`, {
        headers: { authorization: `Bearer ${String(token.access_token)}` },
      })
    ).json()) as Raw;
  records.devices = (await get('/api/v1/devices?offset=0&limit=500')).items as Raw[];
  for (const d of records.devices) {
    const detail = await get(`/api/v1/devices/${encodeURIComponent(String(d.id))}`);
    records.details.push(detail);
    if (typeof detail.auditId === 'string')
      records.snapshots.push(await get(`/api/v1/snapshots/${encodeURIComponent(detail.auditId)}`));
  }
});
after(() => emu.close());

function reg_(r: { clientId: string; clientSecret: string }): Record<string, string> {
  return { client_id: r.clientId, client_secret: r.clientSecret };
}

describe('fast record check', () => {
  it('answers for every record the emulator serves, exactly as zod parses it', () => {
    assert.ok(records.devices.length === 60 && records.snapshots.length > 30);
    for (const d of records.devices) assert.ok(agrees(deviceSchema, d), JSON.stringify(d));
    for (const d of records.details) assert.ok(agrees(deviceDetailSchema, d), JSON.stringify(d));
    for (const s of records.snapshots) assert.ok(agrees(snapshotSchema, s), JSON.stringify(s).slice(0, 200));
  });

  it('agrees with zod on lenient values: absent, null, blank, unknown keys, platform case', () => {
    const detail = records.details[0]!;
    const snap = records.snapshots[0]!;
    const variants: [z.ZodType, Raw][] = [
      [deviceDetailSchema, { id: 'x' }],
      [deviceDetailSchema, { ...detail, name: '   ', dnsName: null, type: null, tags: null, extra: 1 }],
      [deviceDetailSchema, { ...detail, lastSeen: undefined, auditId: '', auditSource: null }],
      [deviceSchema, { id: 'y', tags: [{ id: 't', name: '' }], lastSeen: '2024-01-02T03:04:05Z' }],
      [snapshotSchema, {}],
      [snapshotSchema, { ...snap, id: null, operatingSystem: { platform: 'wInDoWs' }, hardware: null }],
      [
        snapshotSchema,
        { ...snap, operatingSystem: { name: ' ', platform: 'Plan 9' }, hardware: { ramMb: 0 } },
      ],
      [snapshotSchema, { software: [{ productId: 'p', name: 'n', installDate: null, version: ' ' }] }],
    ];
    for (const [schema, raw] of variants) assert.ok(agrees(schema, raw), JSON.stringify(raw));
  });

  it('leaves every malformed record to zod', () => {
    const detail = records.details[0]!;
    const snap = records.snapshots[0]!;
    const long = 'x'.repeat(4097);
    const malformed: [z.ZodType, unknown][] = [
      [deviceDetailSchema, null],
      [deviceDetailSchema, [detail]],
      [deviceDetailSchema, { ...detail, id: ' ' }],
      [deviceDetailSchema, { ...detail, id: 7 }],
      [deviceDetailSchema, { ...detail, name: long }],
      [deviceDetailSchema, { ...detail, lastSeen: 'yesterday' }],
      [deviceDetailSchema, { ...detail, tags: [{ id: 't' }] }],
      [deviceDetailSchema, { ...detail, tags: 'HQ' }],
      [deviceSchema, { ...detail, macAddress: 42 }],
      [snapshotSchema, { ...snap, hardware: { ramMb: -1 } }],
      [snapshotSchema, { ...snap, hardware: [] }],
      [snapshotSchema, { ...snap, operatingSystem: 'Windows' }],
      [snapshotSchema, { ...snap, software: [{ productId: 'p', name: ' ' }] }],
      [snapshotSchema, { ...snap, software: [{ productId: 'p', name: 'n', installDate: 'soon' }] }],
    ];
    for (const [schema, raw] of malformed) {
      assert.equal(fastParse(schema, raw), undefined, JSON.stringify(raw).slice(0, 200));
      assert.equal(schema.safeParse(raw).success, false, JSON.stringify(raw).slice(0, 200));
    }
  });
});
