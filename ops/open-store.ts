import { createNavigatorStore, type SqlNavigatorStore } from '../activities/navigator';
import type { SyncConfig } from './config';

/** Open (and migrate) the store the configuration names; the caller closes it. */
export async function openStore(config: SyncConfig): Promise<SqlNavigatorStore> {
  const store = await createNavigatorStore({
    databaseUrl: config.store.databaseUrl,
    sqlitePath: config.store.sqlitePath,
  });
  await store.migrate();
  return store;
}
