/**
 * Retire-step counts that survive a killed attempt: which part of a run flagged a device
 * missing (`missing_by`: the unseen walk, or a page that met a 404 on the device's detail),
 * so the walk's "unseen" can count the devices an earlier attempt already flagged; and the
 * AlloyScan calls of a run's retire steps (`run_api_calls`, scratch: purged when the run
 * ends), added to before each call goes out.
 */
import type { Kysely } from 'kysely';

const TABLES = ['computers', 'hardware'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) await db.schema.alterTable(table).addColumn('missing_by', 'text').execute();
  await db.schema
    .createTable('run_api_calls')
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('calls', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('run_api_calls_pk', ['job_id', 'run_id', 'step'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('run_api_calls').ifExists().execute();
  for (const table of TABLES) await db.schema.alterTable(table).dropColumn('missing_by').execute();
}
