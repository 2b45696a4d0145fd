/**
 * Records as Navigator users see them: hand-made / legacy (Network Inventory) records, and
 * read access for the CLI and tests.
 */
import type { Kysely, Selectable } from 'kysely';
import type { DeviceIdentity, IdentityRule, NavigatorKind } from '../../common/domain';
import { nameLookupKey, normaliseMac, serialKey } from './identity';
import {
  recordTable,
  type Database,
  type DiscoveredInstallationTable,
  type RecordSource,
  type RecordStatus,
  type RecordTable,
} from './tables';

/** Fields of a record entered by hand or imported by the legacy Network Inventory. */
export interface ManualRecordFields extends DeviceIdentity {
  source: Exclude<RecordSource, 'alloyscan'>;
  deviceType?: string | undefined;
  manufacturer?: string | undefined;
  model?: string | undefined;
}

/** A Computer or Hardware record (domain view of a row). */
export interface NavigatorRecord extends DeviceIdentity {
  kind: NavigatorKind;
  id: number;
  deviceType?: string | undefined;
  status: RecordStatus;
  source: RecordSource;
  jobId?: string | undefined;
  sourceId?: string | undefined;
  identityRule?: IdentityRule | undefined;
  auditId?: string | undefined;
  contentHash?: string | undefined;
  expectedInstallations: number;
  missingFromAlloyScan: boolean;
  missingConfirmedAt?: string | undefined;
  retiredAt?: string | undefined;
  writtenBackAt?: string | undefined;
  createdAt: string;
  updatedAt: string;
}

export type StoredInstallation = Selectable<DiscoveredInstallationTable>;

/** Inserts an 'Active' record not linked to any AlloyScan device; returns its id. */
export async function insertManualRecord(
  db: Kysely<Database>,
  kind: NavigatorKind,
  fields: ManualRecordFields,
  now = new Date().toISOString(),
): Promise<number> {
  const row = await db
    .insertInto(recordTable(kind))
    .values({
      name: fields.name ?? null,
      name_key: nameLookupKey(fields.name) ?? null,
      dns_name: fields.dnsName ?? null,
      mac_address:
        fields.macAddress === undefined ? null : (normaliseMac(fields.macAddress) ?? fields.macAddress),
      ip_address: fields.ipAddress ?? null,
      serial_number: fields.serialNumber ?? null,
      serial_key: serialKey(fields.serialNumber) ?? null,
      asset_tag: fields.assetTag ?? null,
      device_type: fields.deviceType ?? null,
      manufacturer: fields.manufacturer ?? null,
      model: fields.model ?? null,
      status: 'Active' as const,
      source: fields.source,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const opt = (v: string | null): string | undefined => v ?? undefined;

export function toRecord(kind: NavigatorKind, r: Selectable<RecordTable>): NavigatorRecord {
  return {
    kind,
    id: r.id,
    name: opt(r.name),
    dnsName: opt(r.dns_name),
    macAddress: opt(r.mac_address),
    ipAddress: opt(r.ip_address),
    serialNumber: opt(r.serial_number),
    assetTag: opt(r.asset_tag),
    deviceType: opt(r.device_type),
    status: r.status,
    source: r.source,
    jobId: opt(r.job_id),
    sourceId: opt(r.alloyscan_id),
    identityRule: opt(r.identity_rule) as IdentityRule | undefined,
    auditId: opt(r.audit_id),
    contentHash: opt(r.content_hash),
    expectedInstallations: r.expected_installations,
    missingFromAlloyScan: r.missing_from_alloyscan === 1,
    missingConfirmedAt: opt(r.missing_confirmed_at),
    retiredAt: opt(r.retired_at),
    writtenBackAt: opt(r.written_back_at),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Records of one table, by id; optionally only those linked to a job. */
export async function listRecords(
  db: Kysely<Database>,
  kind: NavigatorKind,
  jobId?: string,
): Promise<NavigatorRecord[]> {
  const rows = await db
    .selectFrom(recordTable(kind))
    .selectAll()
    .$if(jobId !== undefined, (qb) => qb.where('job_id', '=', jobId ?? ''))
    .orderBy('id')
    .execute();
  return rows.map((r) => toRecord(kind, r));
}

/** Discovered Installations of one record, by product id. */
export async function listInstallations(
  db: Kysely<Database>,
  kind: NavigatorKind,
  recordId: number,
): Promise<StoredInstallation[]> {
  return db
    .selectFrom('discovered_installations')
    .selectAll()
    .where('record_kind', '=', kind)
    .where('record_id', '=', recordId)
    .orderBy('product_id')
    .execute();
}
