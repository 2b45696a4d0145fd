/** The sync's own tables: job configuration, run log, quarantined records, per-run seen set. */
import type { Kysely } from 'kysely';
import { keyText, withIdColumn } from './ddl';

async function createJobs(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sync_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_url', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('client_secret_ref', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('schedule_cron', 'text', (c) => c.notNull())
    .addColumn('schedule_time_zone', 'text', (c) => c.notNull())
    .addColumn('import_software', 'text', (c) => c.notNull())
    .addColumn('on_retire', 'text', (c) => c.notNull())
    .addColumn('tracked_groups', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

async function createRuns(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sync_runs')
    .addColumn('run_id', 'text', (c) => c.primaryKey())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('full', 'integer', (c) => c.notNull())
    .addColumn('dry_run', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text', (c) => c.notNull())
    .addColumn('duration_ms', 'bigint', (c) => c.notNull())
    .addColumn('source_devices', 'integer', (c) => c.notNull())
    .addColumn('imported_devices', 'integer', (c) => c.notNull())
    .addColumn('expected_installations', 'integer', (c) => c.notNull())
    .addColumn('stored_installations', 'integer', (c) => c.notNull())
    .addColumn('report', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sync_runs_job_started_idx')
    .on('sync_runs')
    .columns(['job_id', 'started_at'])
    .execute();
}

async function createQuarantineAndSeen(db: Kysely<unknown>): Promise<void> {
  await withIdColumn(db, db.schema.createTable('quarantined_records'))
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('raw_excerpt', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // A retried activity re-saves the same records: one row per (run, kind, source id).
  await db.schema
    .createIndex('quarantined_records_run_uq')
    .on('quarantined_records')
    .columns(['job_id', 'run_id', 'kind', 'source_id'])
    .unique()
    .execute();
  await db.schema
    .createTable('run_seen')
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => keyText(db)(c.notNull()))
    .addColumn('page_offset', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('run_seen_pk', ['job_id', 'run_id', 'source_id'])
    .execute();
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await createJobs(db);
  await createRuns(db);
  await createQuarantineAndSeen(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['run_seen', 'quarantined_records', 'sync_runs', 'sync_jobs']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
