/**
 * A run whose device list moved while it was read lists it again (re-list sweeps, see
 * workflows/sync-run.ts): which sweep first listed an id (a retried page of that sweep gets
 * its own ids back) and the last sweep that listed it (the unseen walk looks up live records
 * the final sweep did not list).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('run_seen')
    .addColumn('sweep', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('run_seen')
    .addColumn('last_sweep', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('run_seen').dropColumn('last_sweep').execute();
  await db.schema.alterTable('run_seen').dropColumn('sweep').execute();
}
