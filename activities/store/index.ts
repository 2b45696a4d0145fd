/** The Navigator store: open it with `createSyncStore`, then `migrate()`. */
export { createSyncStore, type CreateSyncStoreOptions, type SqlSyncStore } from './store';
export { DEFAULT_SQLITE_PATH, openDatabase, type Engine, type OpenDatabaseOptions } from './db';
export {
  migrateDown,
  migrateToLatest,
  appliedMigrations,
  schemaStatus,
  MIGRATIONS,
  type SchemaStatus,
} from './migrations';
export { AmbiguousRecordError, RecordNotFoundError } from './errors';
export { AdoptionConflictError } from './record-links';
export { isJunkSerial, macKey, nameKey, normaliseMac, serialKey, JUNK_SERIALS } from './identity';
export type { ManualRecordFields, NavigatorRecord, StoredInstallation } from './record-admin';
export type { RecordSource, RecordStatus } from './tables';
export type * from './store-types';
