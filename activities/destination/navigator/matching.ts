/**
 * Navigator's matching rules (pure): which keys of a device find an existing record, in order,
 * first match wins. The device id field first (a record this sync created or adopted before,
 * or a create whose answer was lost), then Navigator's own rules: name + serial, serial,
 * MAC + name. Junk serials and MACs never match (their key is absent).
 */
import { macKey, nameKey, serialKey } from '../../store/identity';
import type { StateRecordValues } from '../../store/store-types';

export type MatchRule = 'deviceId' | 'nameSerial' | 'serial' | 'macName';

export interface MatchKeys {
  deviceKey?: string;
  nameKey?: string;
  serialKey?: string;
  macKey?: string;
}

/** The device id as the mirror keys it: trimmed, case kept (ids are opaque). */
export function deviceKey(value: string | null | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

/** The rules that apply to a device, in order, each with the keys it compares. */
export function matchPlan(sourceId: string, r: StateRecordValues): { rule: MatchRule; keys: MatchKeys }[] {
  const name = nameKey(r.name ?? undefined);
  const serial = serialKey(r.serial_number);
  const mac = macKey(r.mac_address ?? undefined);
  const plan: { rule: MatchRule; keys: MatchKeys }[] = [{ rule: 'deviceId', keys: { deviceKey: sourceId } }];
  if (name && serial) plan.push({ rule: 'nameSerial', keys: { nameKey: name, serialKey: serial } });
  if (serial) plan.push({ rule: 'serial', keys: { serialKey: serial } });
  if (mac && name) plan.push({ rule: 'macName', keys: { macKey: mac, nameKey: name } });
  return plan;
}

/** A Navigator record's keys, from a listing row. */
export function recordKeys(row: {
  name?: string | null;
  serial?: string | null;
  mac?: string | null;
  deviceId?: string | null;
}): MatchKeys {
  return {
    ...(nameKey(row.name ?? undefined) !== undefined && { nameKey: nameKey(row.name ?? undefined) }),
    ...(serialKey(row.serial) !== undefined && { serialKey: serialKey(row.serial) }),
    ...(macKey(row.mac ?? undefined) !== undefined && { macKey: macKey(row.mac ?? undefined) }),
    ...(deviceKey(row.deviceId) !== undefined && { deviceKey: deviceKey(row.deviceId) }),
  };
}
