/** Computers, Hardware / Inventory Items, the Software Catalog and Discovered Installations. */
import { sql, type Kysely } from 'kysely';
import type { RecordTableName } from '../tables';
import { keyText, withIdColumn } from './ddl';

const RECORD_TABLES: RecordTableName[] = ['computers', 'hardware'];

async function createRecordTable(db: Kysely<unknown>, name: RecordTableName): Promise<void> {
  const key = keyText(db);
  await withIdColumn(db, db.schema.createTable(name))
    .addColumn('name', 'text')
    .addColumn('name_key', 'text')
    .addColumn('dns_name', 'text')
    .addColumn('mac_address', 'text')
    .addColumn('ip_address', 'text')
    .addColumn('serial_number', 'text')
    .addColumn('serial_key', 'text')
    .addColumn('asset_tag', 'text')
    .addColumn('device_type', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('Auto-Added', 'Active', 'Retired')`))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('job_id', 'text')
    .addColumn('alloyscan_id', 'text', key)
    .addColumn('identity_rule', 'text')
    .addColumn('last_seen', 'text')
    .addColumn('audit_id', 'text')
    .addColumn('audit_date', 'text')
    .addColumn('platform', 'text')
    .addColumn('os_name', 'text')
    .addColumn('os_version', 'text')
    .addColumn('manufacturer', 'text')
    .addColumn('model', 'text')
    .addColumn('content_hash', 'text')
    .addColumn('expected_installations', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('missing_from_alloyscan', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('missing_confirmed_at', 'text')
    .addColumn('retired_at', 'text')
    .addColumn('written_back_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await createRecordIndexes(db, name);
}

async function createRecordIndexes(db: Kysely<unknown>, name: RecordTableName): Promise<void> {
  // One AlloyScan device per job maps to at most one record (NULLs, i.e. unlinked records, are distinct).
  await db.schema
    .createIndex(`${name}_job_source_uq`)
    .on(name)
    .columns(['job_id', 'alloyscan_id'])
    .unique()
    .execute();
  for (const col of ['serial_key', 'mac_address', 'name_key']) {
    await db.schema.createIndex(`${name}_${col}_idx`).on(name).column(col).execute();
  }
}

export async function up(db: Kysely<unknown>): Promise<void> {
  const key = keyText(db);
  for (const name of RECORD_TABLES) await createRecordTable(db, name);
  await db.schema
    .createTable('software_catalog')
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => key(c.notNull()))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'text')
    .addColumn('publisher', 'text')
    .addColumn('platform', 'text')
    .addColumn('software_group', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('software_catalog_pk', ['job_id', 'product_id'])
    .execute();
  await db.schema
    .createTable('discovered_installations')
    .addColumn('record_kind', 'text', (c) => c.notNull().check(sql`record_kind in ('computer', 'hardware')`))
    .addColumn('record_id', 'integer', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => key(c.notNull()))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'text')
    .addColumn('publisher', 'text')
    .addColumn('platform', 'text')
    .addColumn('install_date', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('discovered_installations_pk', ['record_kind', 'record_id', 'product_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('discovered_installations').ifExists().execute();
  await db.schema.dropTable('software_catalog').ifExists().execute();
  for (const name of [...RECORD_TABLES].reverse()) await db.schema.dropTable(name).ifExists().execute();
}
