/**
 * Linking records to AlloyScan devices: adopting an existing (hand-made / legacy) record found
 * by the identity ladder, and moving a device whose kind changed to the other table.
 */
import type { Kysely } from 'kysely';
import type { DeviceUpsert, IdentityRule, NavigatorKind } from '../../common/domain';
import { deviceColumns, type LinkedRecord } from './device-repository';
import { recordTable, type Database } from './tables';

/** Raised when a concurrent page adopted the same record first: the transaction is retried. */
export class AdoptionConflictError extends Error {
  override readonly name = 'AdoptionConflictError';
}

/**
 * Links an unlinked, live record to the device and writes the device onto it. Its status and
 * source stay as they were (an adopted record is not Auto-Added).
 */
export async function adoptRecord(
  db: Kysely<Database>,
  jobId: string,
  kind: NavigatorKind,
  id: number,
  link: { device: DeviceUpsert; rule: IdentityRule; expectedInstallations: number },
  now: string,
): Promise<void> {
  const res = await db
    .updateTable(recordTable(kind))
    .set({
      ...deviceColumns(link.device, now, link.expectedInstallations),
      job_id: jobId,
      alloyscan_id: link.device.sourceId,
      identity_rule: link.rule,
    })
    .where('id', '=', id)
    .where('alloyscan_id', 'is', null)
    .where('status', '<>', 'Retired')
    .executeTakeFirst();
  if (res.numUpdatedRows !== 1n) {
    throw new AdoptionConflictError(
      `${kind} record ${id} was linked or retired while adopting ${link.device.sourceId}`,
    );
  }
}

/**
 * Moves a reclassified device (e.g. a network scan's "unknown" that an agent audit shows is
 * a computer) to the table of its new kind, keeping status, provenance, identity rule and
 * creation date. The record gets a new id in its new table; its installations are dropped
 * here and re-added by the caller. Returns the new record id.
 */
export async function moveRecord(
  db: Kysely<Database>,
  from: LinkedRecord,
  device: DeviceUpsert,
  expectedInstallations: number,
  now: string,
): Promise<number> {
  const row = await db
    .selectFrom(recordTable(from.kind))
    .selectAll()
    .where('id', '=', from.id)
    .executeTakeFirstOrThrow();
  const { id: _oldId, ...kept } = row;
  const inserted = await db
    .insertInto(recordTable(device.kind))
    .values({ ...kept, ...definedOnly(deviceColumns(device, now, expectedInstallations)) })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .deleteFrom('discovered_installations')
    .where('record_kind', '=', from.kind)
    .where('record_id', '=', from.id)
    .execute();
  await db.deleteFrom(recordTable(from.kind)).where('id', '=', from.id).execute();
  return inserted.id;
}

function definedOnly<T extends object>(row: T): Partial<T> {
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined)) as Partial<T>;
}
