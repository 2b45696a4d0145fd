/**
 * Values on the wire and in the store. Stored: text or null; GUIDs lower-case unbraced;
 * dates ISO 8601 UTC with milliseconds (so text order is time order). Answered: strings,
 * GUIDs braced upper-case, dates in the Navigator's time zone with its offset, null as "".
 */
import type { FieldDef } from './classes';

export type NavRecord = Record<string, string | null>;

/** The Navigator's time zone: minutes east of UTC and the offset text (-07:00). */
export interface Zone {
  offsetMinutes: number;
  timeZoneOffset: string;
}

const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;
const DATE_TIME =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** The lower-case unbraced GUID, or undefined when `s` is not one. */
export function normalizeGuid(s: string): string | undefined {
  return GUID.exec(s.trim())?.[1]?.toLowerCase();
}

export function formatGuid(id: string): string {
  return `{${id.toUpperCase()}}`;
}

/** A period [start, end) as ISO UTC strings; `precision` says which parts were given. */
export interface Period {
  start: string;
  end: string;
  full: boolean;
}

function zoneMinutes(tz: string | undefined, zone: Zone): number {
  if (tz === undefined) return zone.offsetMinutes;
  if (tz === 'Z') return 0;
  const sign = tz.startsWith('-') ? -1 : 1;
  return sign * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6)));
}

/** The period a W3C DateTime (or its `YYYY`/`YYYY-MM` prefix) names, or undefined when invalid. */
export function parsePeriod(value: string, zone: Zone): Period | undefined {
  const m = DATE_TIME.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, ms, tz] = m;
  const parts = [Number(y), Number(mo ?? 1) - 1, Number(d ?? 1), Number(h ?? 0), Number(mi ?? 0)];
  const sec = Number(s ?? 0);
  const milli = Number((ms ?? '0').padEnd(3, '0'));
  const [Y = 0, M = 0, D = 1, H = 0, Mi = 0] = parts;
  const local = Date.UTC(Y, M, D, H, Mi, sec, milli);
  const check = new Date(local);
  if (check.getUTCMonth() !== M || check.getUTCDate() !== D || H > 23 || Mi > 59 || sec > 59)
    return undefined;
  const startMs = local - zoneMinutes(tz, zone) * 60_000;
  let endMs: number;
  if (h !== undefined) endMs = startMs + (s === undefined ? 60_000 : ms === undefined ? 1000 : 1);
  else if (d !== undefined) endMs = startMs + 86_400_000;
  else if (mo !== undefined) endMs = Date.UTC(Y, M + 1, 1) - zoneMinutes(tz, zone) * 60_000;
  else endMs = Date.UTC(Y + 1, 0, 1) - zoneMinutes(tz, zone) * 60_000;
  return {
    start: new Date(startMs).toISOString(),
    end: new Date(endMs).toISOString(),
    full: d !== undefined,
  };
}

/** A date written to a record: `YYYY-MM-DD` or a full W3C DateTime; undefined when invalid. */
export function parseDateInput(value: string, zone: Zone): string | undefined {
  const p = parsePeriod(value, zone);
  return p?.full ? p.start : undefined;
}

export function formatDate(iso: string, zone: Zone): string {
  const local = new Date(Date.parse(iso) + zone.offsetMinutes * 60_000);
  return `${local.toISOString().slice(0, 19)}${zone.timeZoneOffset}`;
}

/** A stored value as the API answers it. */
export function formatValue(field: FieldDef, value: string | null | undefined, zone: Zone): string {
  if (value === null || value === undefined) return '';
  if (field.guidValued) return formatGuid(value);
  if (field.type === 'date') return formatDate(value, zone);
  return value;
}

/** A value a caller wrote, as text: numbers and booleans turned into text, null into "". */
export function inputText(value: unknown): string | undefined {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** The index/compare key of a text value: trimmed, lower-case. */
export function textKey(value: string | null | undefined): string {
  return (value ?? '').trim().toLowerCase();
}

/** The compare key of a value a caller filters on: a GUID field's unbraced, else its text key. */
export function filterKey(field: FieldDef, value: string): string {
  return field.guidValued ? (normalizeGuid(value) ?? textKey(value)) : textKey(value);
}
