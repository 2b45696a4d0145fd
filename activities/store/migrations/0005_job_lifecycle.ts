/**
 * A job deleted with `jobs delete`: its schedule is gone and the worker does not bring it back
 * while the mark is set (the run log, the records and the histories stay).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sync_jobs').addColumn('deleted_at', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sync_jobs').dropColumn('deleted_at').execute();
}
