/**
 * The field mapping of a Navigator destination (pure): Navigator physical field ← AlloyScan
 * value, each with Navigator's replacement mode. Defaults as Navigator's own AlloyScan sync
 * fills a record; `navigators[].fields` overrides or drops them. Values are strings (the API's
 * form fields); a value AlloyScan does not have is null.
 */
import type { NavigatorKind } from '../../../common/domain';
import type { MappingMode, MappingSource, NavigatorConfig } from '../../../common/sync-types';
import type { StateRecordValues } from '../../store/store-types';

export interface FieldRule {
  from: MappingSource;
  mode: MappingMode;
}

/** Default rules; `computerOnly` fields are not sent to Inventory Items (their class has no such field). */
const DEFAULTS: readonly { field: string; from: MappingSource; computerOnly?: boolean }[] = [
  { field: 'Name', from: 'name' },
  { field: 'DNS_Name', from: 'dnsName' },
  { field: 'IP_Address', from: 'ipAddress' },
  { field: 'MAC_Address', from: 'macAddress' },
  { field: 'Serial_Num', from: 'serial' },
  { field: 'Asset_Tag', from: 'assetTag' },
  { field: 'Manufacturer', from: 'manufacturer' },
  { field: 'Model', from: 'model' },
  { field: 'OS_Name', from: 'osName', computerOnly: true },
  { field: 'OS_Version', from: 'osVersion', computerOnly: true },
  { field: 'Platform', from: 'platform', computerOnly: true },
  { field: 'Last_Audit_Date', from: 'auditDate' },
];

/** The rules for one class: defaults, the device id field (always), then the overrides. */
export function mappingRules(cfg: NavigatorConfig, kind: NavigatorKind): Map<string, FieldRule> {
  const rules = new Map<string, FieldRule>();
  for (const d of DEFAULTS)
    if (!d.computerOnly || kind === 'computer')
      rules.set(d.field, { from: d.from, mode: 'whenSourceHasValue' });
  rules.set(cfg.deviceIdField, { from: 'deviceId', mode: 'always' });
  for (const [field, o] of Object.entries(cfg.fields)) {
    if (o.from === null) rules.delete(field);
    else rules.set(field, { from: o.from, mode: o.mode });
  }
  return rules;
}

/** A date as the API wants it: UTC with `Z`. */
function utc(value: string | null): string | null {
  if (!value) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? value : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function sourceValue(from: MappingSource, sourceId: string, r: StateRecordValues): string | null {
  switch (from) {
    case 'deviceId':
      return sourceId;
    case 'name':
      return r.name;
    case 'dnsName':
      return r.dns_name;
    case 'ipAddress':
      return r.ip_address;
    case 'macAddress':
      return r.mac_address;
    case 'serial':
      // Never a junk serial: the store keeps its key null for those.
      return r.serial_key === null ? null : r.serial_number;
    case 'assetTag':
      return r.asset_tag;
    case 'manufacturer':
      return r.manufacturer;
    case 'model':
      return r.model;
    case 'osName':
      return r.os_name;
    case 'osVersion':
      return r.os_version;
    case 'platform':
      return r.platform;
    case 'auditDate':
      return utc(r.audit_date);
  }
}

/** The mapped values of a state record: field → value (null: AlloyScan has none). */
export function mapRecord(
  rules: Map<string, FieldRule>,
  sourceId: string,
  record: StateRecordValues,
): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const [field, rule] of rules) {
    const v = sourceValue(rule.from, sourceId, record);
    out.set(field, v === null || v.trim() === '' ? null : v);
  }
  return out;
}

/** The fields a create sends: every value AlloyScan has. */
export function createFields(mapped: Map<string, string | null>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, v] of mapped) if (v !== null) out[field] = v;
  return out;
}

/** What was written, kept with the link: the non-null values. */
export function writtenValues(mapped: Map<string, string | null>): Record<string, string> {
  return createFields(mapped);
}

/**
 * The fields an update sends, given what the sync last wrote (`last`, absent after an
 * adoption) — by mode:
 * - `always`: whenever the value differs from the last written, blanking included;
 * - `whenSourceHasValue`: when AlloyScan has a value that differs (never blanks);
 * - `whenTargetEmpty`: only a field the sync never wrote, and only while the record's value is
 *   empty (`needsTarget` lists them: the caller reads the record, then calls `dropFilled`).
 */
export function updateFields(
  rules: Map<string, FieldRule>,
  mapped: Map<string, string | null>,
  last: Record<string, string> | undefined,
): { fields: Record<string, string>; needsTarget: string[] } {
  const fields: Record<string, string> = {};
  const needsTarget: string[] = [];
  for (const [field, rule] of rules) {
    const v = mapped.get(field) ?? null;
    const before = last?.[field];
    if (rule.mode === 'always') {
      if (last === undefined ? v !== null : (v ?? '') !== (before ?? '')) fields[field] = v ?? '';
    } else if (rule.mode === 'whenSourceHasValue') {
      if (v !== null && v !== before) fields[field] = v;
    } else if (v !== null && before === undefined) {
      fields[field] = v;
      needsTarget.push(field);
    }
  }
  return { fields, needsTarget };
}

/** Drops the `whenTargetEmpty` fields the record already has a value for. */
export function dropFilled(
  fields: Record<string, string>,
  needsTarget: string[],
  target: Record<string, string | null>,
): Record<string, string> {
  const out = { ...fields };
  for (const f of needsTarget) if ((target[f] ?? '').trim() !== '') delete out[f];
  return out;
}
