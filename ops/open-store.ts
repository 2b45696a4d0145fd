/**
 * Opening the store from an entry point. Only the worker and `db migrate` change its schema:
 * every other entry point checks the schema version and refuses, naming the command to run,
 * so a newer CLI never migrates production before the workers are upgraded.
 */
import { UsageError } from '../activities/failures';
import { createSyncStore, type SchemaStatus, type SqlSyncStore } from '../activities/store';
import type { SyncConfig } from './config';

/** What an entry point does with the schema: check it, migrate it (the worker, `db migrate`), or nothing (`db status`). */
export type SchemaMode = 'check' | 'migrate' | 'none';

/** The store of the configuration, its schema checked (or migrated); the caller closes it. */
export async function openStore(config: SyncConfig, mode: SchemaMode = 'check'): Promise<SqlSyncStore> {
  const store = await createSyncStore({
    databaseUrl: config.store.databaseUrl,
    sqlitePath: config.store.sqlitePath,
  });
  try {
    await prepareSchema(store, mode);
    return store;
  } catch (err) {
    await store.close();
    throw err;
  }
}

/** Check the schema and, in 'migrate' mode, apply the pending migrations. */
export async function prepareSchema(store: SqlSyncStore, mode: SchemaMode): Promise<void> {
  if (mode === 'none') return;
  const status = await store.schemaStatus();
  const problem = schemaProblem(status, mode);
  if (problem) throw new UsageError(problem);
  if (mode === 'migrate' && status.pending.length > 0) await store.migrate();
}

/** The sentence refusing a store whose schema does not match this version, or undefined. */
export function schemaProblem(status: SchemaStatus, mode: SchemaMode): string | undefined {
  if (status.unknown.length > 0)
    return (
      `the Navigator store's schema is newer than this alloyscan-sync (it has ${status.unknown.join(', ')}): ` +
      'upgrade alloyscan-sync to the version that migrated it'
    );
  if (mode === 'check' && status.pending.length > 0)
    return (
      `the Navigator store's schema is behind this alloyscan-sync (missing ${status.pending.join(', ')}): ` +
      'run `alloyscan-sync db migrate` (or start the upgraded worker, which migrates it)'
    );
  return undefined;
}
