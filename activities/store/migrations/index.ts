/**
 * Ordered migrations of the Navigator store, run with kysely's Migrator and a static
 * provider (no file-system scanning, so the compiled output and bundles carry them).
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import type { OpenedDatabase } from '../db';
import * as m0001 from './0001_inventory';
import * as m0002 from './0002_sync_log';
import * as m0003 from './0003_run_batches';
import * as m0004 from './0004_write_back_run';
import * as m0005 from './0005_job_lifecycle';
import * as m0006 from './0006_run_seen_sweeps';
import * as m0010 from './0010_navigator_links';
import * as m0011 from './0011_navigator_installation_links';
import * as m0012 from './0012_navigator_link_runs';
import * as m0013 from './0013_run_step_calls';

/** Keys sort in application order. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_inventory': m0001,
  '0002_sync_log': m0002,
  '0003_run_batches': m0003,
  '0004_write_back_run': m0004,
  '0005_job_lifecycle': m0005,
  '0006_run_seen_sweeps': m0006,
  '0010_navigator_links': m0010,
  '0011_navigator_installation_links': m0011,
  '0012_navigator_link_runs': m0012,
  '0013_run_step_calls': m0013,
};

function migratorFor(opened: OpenedDatabase): Migrator {
  return new Migrator({
    db: opened.db as Kysely<unknown>,
    provider: { getMigrations: () => Promise.resolve({ ...MIGRATIONS }) },
    // PostgreSQL: keep kysely's own tables in the store's schema, or the Migrator would
    // mistake another schema's migration table for ours.
    ...(opened.engine === 'postgres' ? { migrationTableSchema: opened.schema ?? 'public' } : {}),
  });
}

function unwrap(set: MigrationResultSet, what: string): void {
  if (set.error !== undefined) {
    const failed = set.results?.find((r) => r.status === 'Error')?.migrationName;
    const cause = set.error instanceof Error ? set.error.message : JSON.stringify(set.error);
    throw new Error(`Navigator store ${what} failed${failed ? ` at ${failed}` : ''}: ${cause}`, {
      cause: set.error,
    });
  }
}

/** Applies every pending migration (idempotent). */
export async function migrateToLatest(opened: OpenedDatabase): Promise<void> {
  unwrap(await migratorFor(opened).migrateToLatest(), 'migration');
}

/** Reverts the last `steps` migrations (all of them with `Infinity`). */
export async function migrateDown(opened: OpenedDatabase, steps = 1): Promise<void> {
  const migrator = migratorFor(opened);
  for (let i = 0; i < steps; i++) {
    const set = await migrator.migrateDown();
    unwrap(set, 'migrate down');
    if ((set.results ?? []).length === 0) return;
  }
}

/** Names of the migrations applied so far, in order. */
export async function appliedMigrations(opened: OpenedDatabase): Promise<string[]> {
  const all = await migratorFor(opened).getMigrations();
  return all.filter((m) => m.executedAt !== undefined).map((m) => m.name);
}

/** How the store's schema compares with this version's migrations. */
export interface SchemaStatus {
  /** Migrations this version has that the store lacks: `db migrate` (or the worker) applies them. */
  pending: string[];
  /** Migrations the store has that this version does not know: a newer version migrated it. */
  unknown: string[];
}

/** Reads kysely's migration table directly: the Migrator lists only the migrations it knows. */
export async function schemaStatus(opened: OpenedDatabase): Promise<SchemaStatus> {
  const table =
    opened.engine === 'postgres'
      ? sql.table(`${opened.schema ?? 'public'}.kysely_migration`)
      : sql.table('kysely_migration');
  let applied: string[];
  try {
    const res = await sql<{ name: string }>`select name from ${table}`.execute(opened.db);
    applied = res.rows.map((r) => r.name);
  } catch (err) {
    if (!/kysely_migration/.test(err instanceof Error ? err.message : String(err))) throw err;
    applied = []; // never migrated
  }
  const known = Object.keys(MIGRATIONS);
  return {
    pending: known.filter((n) => !applied.includes(n)),
    unknown: applied.filter((n) => !known.includes(n)).sort(),
  };
}
