/**
 * The sync's state for a Navigator destination: the link AlloyScan device ↔ Navigator record
 * (class, OID, GUID, the values last written and the state hash they were written from, a
 * pending create whose answer may have been lost), a per-run copy of the Navigator records'
 * match keys (the listing the identity rules run against), and per-run call counters that
 * survive a killed attempt.
 */
import type { Kysely } from 'kysely';
import { keyText } from './ddl';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('navigator_links')
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', keyText(db))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('guid', 'text')
    .addColumn('oid', 'text')
    .addColumn('rule', 'text')
    .addColumn('mapped', 'text')
    .addColumn('source_hash', 'text')
    .addColumn('pending_since', 'text')
    .addColumn('retired_at', 'text')
    .addColumn('missing_marked_at', 'text')
    .addColumn('linked_run', 'text')
    .addColumn('updated_run', 'text')
    .addColumn('marked_run', 'text')
    .addColumn('refused_run', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('navigator_links_pk', ['job_id', 'source_id'])
    .execute();
  // One device per Navigator record: two pages adopting the same record at once cannot both commit.
  await db.schema
    .createIndex('navigator_links_guid')
    .unique()
    .on('navigator_links')
    .columns(['job_id', 'guid'])
    .execute();
  await db.schema
    .createTable('navigator_mirror')
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('guid', 'text', keyText(db))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('oid', 'text')
    .addColumn('name_key', 'text')
    .addColumn('serial_key', 'text')
    .addColumn('mac_key', 'text')
    .addColumn('device_key', 'text')
    .addColumn('retired', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('navigator_mirror_pk', ['job_id', 'guid'])
    .execute();
  for (const col of ['device_key', 'serial_key', 'name_key', 'mac_key'])
    await db.schema
      .createIndex(`navigator_mirror_${col}`)
      .on('navigator_mirror')
      .columns(['job_id', 'kind', col])
      .execute();
  await db.schema
    .createTable('navigator_run_stats')
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('api_calls', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('write_calls', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('throttled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('unknown_outcomes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('refused', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('ambiguous', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('navigator_run_stats_pk', ['job_id', 'run_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('navigator_run_stats').ifExists().execute();
  await db.schema.dropTable('navigator_mirror').ifExists().execute();
  await db.schema.dropTable('navigator_links').ifExists().execute();
}
