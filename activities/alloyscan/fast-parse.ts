/**
 * A hand-written check of the records every import reads by the thousand (list devices, device
 * details, snapshots) that gives exactly what their zod schema gives (same keys, same values,
 * same order) for a record that satisfies it, and `undefined` for anything it is not sure of:
 * the caller then parses with zod, so a malformed record still gets zod's own reasons. zod was
 * a tenth of a full import's worker CPU; the test fast-parse.test.ts holds the two equal.
 */
import type { z } from 'zod';
import {
  MAX_STRING,
  deviceDetailSchema,
  deviceSchema,
  snapshotSchema,
} from '../../schemas/alloyscan-records';
import { PLATFORMS } from '../../schemas/platforms';

type Raw = Record<string, unknown>;
/** Thrown inside a fast check: not sure, let zod decide (one object, made once: throwing it is cheap). */
const UNSURE = new Error('not sure: left to zod');

function object(v: unknown): Raw {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw UNSURE;
  return v as Raw;
}

/** text: a string of at most MAX_STRING characters. */
function text(v: unknown): string {
  if (typeof v !== 'string' || v.length > MAX_STRING) throw UNSURE;
  return v;
}

/** optText: text, null or absent; blank → undefined. */
function optText(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  const s = text(v);
  return s.trim() === '' ? undefined : s;
}

function id(v: unknown): string {
  const s = text(v);
  if (s.trim() === '') throw UNSURE;
  return s;
}

function optDate(v: unknown): string | undefined {
  const s = optText(v);
  if (s !== undefined && Number.isNaN(Date.parse(s))) throw UNSURE;
  return s;
}

function optNumber(v: unknown): number | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw UNSURE;
  return v;
}

function listOf<T>(v: unknown, item: (x: unknown) => T): T[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw UNSURE;
  return v.map(item);
}

/** zod's object output: a key the input has is kept (even undefined), an absent one only when defined. */
function put(out: Raw, raw: Raw, key: string, value: unknown): void {
  if (value !== undefined || key in raw) out[key] = value;
}

const tag = (v: unknown): Raw => {
  const r = object(v);
  return { id: id(r.id), name: text(r.name) };
};

function deviceFields(r: Raw, out: Raw): Raw {
  out.id = id(r.id);
  for (const k of ['name', 'dnsName', 'macAddress', 'ipAddress', 'serialNumber', 'assetTag'])
    put(out, r, k, optText(r[k]));
  out.type = optText(r.type) ?? 'unknown';
  put(out, r, 'lastSeen', optDate(r.lastSeen));
  out.tags = listOf(r.tags, tag);
  return out;
}

function device(v: unknown): Raw {
  return deviceFields(object(v), {});
}

function deviceDetail(v: unknown): Raw {
  const r = object(v);
  const out = deviceFields(r, {});
  put(out, r, 'auditId', optText(r.auditId));
  put(out, r, 'auditDate', optDate(r.auditDate));
  put(out, r, 'auditSource', optText(r.auditSource));
  return out;
}

function platform(v: unknown): string | undefined {
  const s = optText(v);
  const lower = s?.toLowerCase();
  return PLATFORMS.find((p) => p.toLowerCase() === lower) ?? s;
}

function installation(v: unknown): Raw {
  const r = object(v);
  const out: Raw = { productId: id(r.productId), name: id(r.name) };
  for (const k of ['version', 'publisher']) put(out, r, k, optText(r[k]));
  put(out, r, 'installDate', optDate(r.installDate));
  return out;
}

function nullishObject(v: unknown, fields: (r: Raw) => Raw): Raw | undefined {
  return v === null || v === undefined ? undefined : fields(object(v));
}

function snapshot(v: unknown): Raw {
  const r = object(v);
  const out: Raw = {};
  put(out, r, 'id', optText(r.id));
  put(out, r, 'deviceId', optText(r.deviceId));
  put(out, r, 'auditDate', optDate(r.auditDate));
  const os = nullishObject(r.operatingSystem, (o) => {
    const res: Raw = {};
    put(res, o, 'name', optText(o.name));
    put(res, o, 'version', optText(o.version));
    put(res, o, 'platform', platform(o.platform));
    return res;
  });
  put(out, r, 'operatingSystem', os);
  const hw = nullishObject(r.hardware, (h) => {
    const res: Raw = {};
    for (const k of ['manufacturer', 'model', 'cpu']) put(res, h, k, optText(h[k]));
    put(res, h, 'ramMb', optNumber(h.ramMb));
    return res;
  });
  put(out, r, 'hardware', hw);
  out.software = listOf(r.software, installation);
  return out;
}

const FAST = new Map<z.ZodType, (raw: unknown) => Raw>([
  [deviceSchema, device],
  [deviceDetailSchema, deviceDetail],
  [snapshotSchema, snapshot],
]);

/** The record as `schema` would parse it, or undefined: parse it with zod. */
export function fastParse<T>(schema: z.ZodType<T>, raw: unknown): T | undefined {
  const parse = FAST.get(schema);
  if (parse === undefined) return undefined;
  try {
    return parse(raw) as T;
  } catch (err) {
    if (err === UNSURE) return undefined;
    throw err;
  }
}
