/**
 * Which run wrote a retirement back to AlloyScan, and how it ended (deleted, or already
 * gone), and which run flagged a device missing: a run's retire counts come from the store,
 * exact even when the activity that did the work died before it could report.
 */
import type { Kysely } from 'kysely';

const TABLES = ['computers', 'hardware'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) {
    await db.schema.alterTable(table).addColumn('written_back_run', 'text').execute();
    await db.schema.alterTable(table).addColumn('written_back_outcome', 'text').execute();
    await db.schema.alterTable(table).addColumn('missing_run', 'text').execute();
    await db.schema
      .createIndex(`${table}_written_back_run_idx`)
      .on(table)
      .columns(['job_id', 'written_back_run'])
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) {
    await db.schema.dropIndex(`${table}_written_back_run_idx`).ifExists().execute();
    await db.schema.alterTable(table).dropColumn('missing_run').execute();
    await db.schema.alterTable(table).dropColumn('written_back_outcome').execute();
    await db.schema.alterTable(table).dropColumn('written_back_run').execute();
  }
}
