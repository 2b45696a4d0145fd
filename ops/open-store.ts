import { createSyncStore, type SqlSyncStore } from '../activities/store';
import type { SyncConfig } from './config';

/** Open (and migrate) the store the configuration names; the caller closes it. */
export async function openStore(config: SyncConfig): Promise<SqlSyncStore> {
  const store = await createSyncStore({
    databaseUrl: config.store.databaseUrl,
    sqlitePath: config.store.sqlitePath,
  });
  await store.migrate();
  return store;
}
