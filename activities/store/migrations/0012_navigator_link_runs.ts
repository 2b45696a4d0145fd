/**
 * Two more run stamps on a Navigator link, so a run's report counts them exactly under retries:
 * the run that created the record again after the linked one was deleted from Navigator's
 * database (`recreated_run`), and the run that took the missing flag off a record whose device
 * came back (`unflagged_run`).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('navigator_links').addColumn('recreated_run', 'text').execute();
  await db.schema.alterTable('navigator_links').addColumn('unflagged_run', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('navigator_links').dropColumn('unflagged_run').execute();
  await db.schema.alterTable('navigator_links').dropColumn('recreated_run').execute();
}
