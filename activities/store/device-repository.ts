/**
 * Computer / Hardware rows as the sync writes them: lookups by AlloyScan ID and by ladder
 * keys (whole page at once), inserts, updates, adoption, and moving a reclassified device.
 */
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { DeviceUpsert, NavigatorKind } from '../../common/domain';
import { chunks, IN_CHUNK, INSERT_CHUNK_ROWS, uniq } from './batch';
import { macKey, nameKey, nameLookupKey, normaliseMac, serialKey } from './identity';
import type { LadderKeys, LadderRecord } from './identity-ladder';
import { recordTable, type Database, type RecordTable } from './tables';

export type RecordRow = Selectable<RecordTable>;

/**
 * What the sync reads of a linked record: enough to decide whether it changed. Reading every
 * column of 500 records cost five times as much (SQLite builds each row as an object).
 */
const LINKED_COLUMNS = [
  'id',
  'alloyscan_id',
  'name',
  'status',
  'identity_rule',
  'content_hash',
  'last_seen',
  'audit_id',
  'missing_from_alloyscan',
  'missing_confirmed_at',
] as const;
export type LinkedRecord = Pick<RecordRow, (typeof LINKED_COLUMNS)[number]> & { kind: NavigatorKind };

const KINDS: readonly NavigatorKind[] = ['computer', 'hardware'];

/** Records of this job linked to the given AlloyScan IDs, in either table (retired included). */
export async function findLinked(
  db: Kysely<Database>,
  jobId: string,
  sourceIds: readonly string[],
): Promise<Map<string, LinkedRecord>> {
  const found = new Map<string, LinkedRecord>();
  for (const kind of KINDS) {
    for (const ids of chunks(uniq(sourceIds), IN_CHUNK)) {
      const rows = await db
        .selectFrom(recordTable(kind))
        .select(LINKED_COLUMNS)
        .where('job_id', '=', jobId)
        .where('alloyscan_id', 'in', ids)
        .execute();
      for (const row of rows) if (row.alloyscan_id !== null) found.set(row.alloyscan_id, { ...row, kind });
    }
  }
  return found;
}

/** The ladder keys a device offers (absent or junk values have none). */
export function ladderKeys(d: Pick<DeviceUpsert, 'serialNumber' | 'macAddress' | 'name'>): LadderKeys {
  return { serial: serialKey(d.serialNumber), mac: macKey(d.macAddress), name: nameKey(d.name) };
}

/** Live (not retired) records of one table holding any of the given keys. */
export async function findLadderRecords(
  db: Kysely<Database>,
  kind: NavigatorKind,
  keys: readonly LadderKeys[],
): Promise<LadderRecord[]> {
  const lookups = [
    ['serial_key', uniq(keys.map((k) => k.serial))],
    ['mac_address', uniq(keys.map((k) => k.mac))],
    ['name_key', uniq(keys.map((k) => k.name))],
  ] as const;
  const byId = new Map<number, LadderRecord>();
  for (const [column, values] of lookups) {
    for (const part of chunks(values, IN_CHUNK)) {
      const rows = await db
        .selectFrom(recordTable(kind))
        .select(['id', 'serial_key', 'mac_address', 'name_key', 'alloyscan_id'])
        .where('status', '<>', 'Retired')
        .where(column, 'in', part)
        .execute();
      for (const r of rows) {
        const keys = {
          serial: r.serial_key ?? undefined,
          mac: macKey(r.mac_address),
          name: r.name_key ?? undefined,
        };
        byId.set(r.id, { id: r.id, keys, linked: r.alloyscan_id !== null });
      }
    }
  }
  return [...byId.values()];
}

/** Derived column: undefined when the source value is absent (left as is), null when present but unusable. */
function derived(raw: string | undefined, key: (v: string) => string | undefined): string | null | undefined {
  return raw === undefined ? undefined : (key(raw) ?? null);
}

/**
 * The columns a device sets. Absent values are undefined, which kysely leaves out of an
 * UPDATE: the sync never erases a value AlloyScan did not send (e.g. a hand-entered asset tag).
 */
export function deviceColumns(d: DeviceUpsert, now: string, expectedInstallations: number) {
  return {
    name: d.name,
    name_key: derived(d.name, nameLookupKey),
    dns_name: d.dnsName,
    mac_address: d.macAddress === undefined ? undefined : (normaliseMac(d.macAddress) ?? d.macAddress.trim()),
    ip_address: d.ipAddress,
    serial_number: d.serialNumber,
    serial_key: derived(d.serialNumber, serialKey),
    asset_tag: d.assetTag,
    device_type: d.deviceType,
    last_seen: d.lastSeen,
    audit_id: d.auditId,
    audit_date: d.auditDate,
    platform: d.platform,
    os_name: d.osName,
    os_version: d.osVersion,
    manufacturer: d.manufacturer,
    model: d.model,
    content_hash: d.contentHash,
    expected_installations: expectedInstallations,
    missing_from_alloyscan: 0,
    missing_confirmed_at: null,
    updated_at: now,
  } satisfies Updateable<RecordTable>;
}

export interface NewRecord {
  device: DeviceUpsert;
  expectedInstallations: number;
}

/** Inserts Auto-Added records in multi-row statements; returns record id by source id. */
export async function insertNewRecords(
  db: Kysely<Database>,
  jobId: string,
  kind: NavigatorKind,
  records: readonly NewRecord[],
  now: string,
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const part of chunks(records, Math.floor(INSERT_CHUNK_ROWS / 4))) {
    const values = part.map(({ device, expectedInstallations }) => ({
      ...deviceColumns(device, now, expectedInstallations),
      status: 'Auto-Added' as const,
      source: 'alloyscan' as const,
      job_id: jobId,
      alloyscan_id: device.sourceId,
      identity_rule: 'new',
      created_at: now,
    }));
    const rows = await db
      .insertInto(recordTable(kind))
      .values(values)
      .returning(['id', 'alloyscan_id'])
      .execute();
    for (const r of rows) if (r.alloyscan_id !== null) ids.set(r.alloyscan_id, r.id);
  }
  return ids;
}

/** Writes a changed device onto its linked record (clears a missing flag). */
export async function updateRecord(
  db: Kysely<Database>,
  kind: NavigatorKind,
  id: number,
  device: DeviceUpsert,
  expectedInstallations: number,
  now: string,
): Promise<void> {
  await db
    .updateTable(recordTable(kind))
    .set(deviceColumns(device, now, expectedInstallations))
    .where('id', '=', id)
    .execute();
}
