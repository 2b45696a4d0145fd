/**
 * Per-run batch ledger (exact counts when a committed batch is re-applied by a retried
 * activity) and the job's pending full-pass reason (survives a failed run).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('run_batches')
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('batch_key', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('run_batches_pk', ['job_id', 'run_id', 'batch_key'])
    .execute();
  await db.schema.alterTable('sync_jobs').addColumn('full_pass_reason', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sync_jobs').dropColumn('full_pass_reason').execute();
  await db.schema.dropTable('run_batches').ifExists().execute();
}
