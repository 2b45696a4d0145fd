/**
 * Store engines for the workflow tests: the store tests' SQLite and PostgreSQL engines,
 * plus a row-for-row dump of the inventory tables (what a dry run must leave unchanged).
 */
import { sql } from 'kysely';
import type { NavigatorStore } from '../../activities/navigator/store-types';
import type { SqlNavigatorStore } from '../../activities/navigator';
import { engines, type StoreEngine } from '../navigator/engines';

export const INVENTORY_TABLES = [
  'computers',
  'hardware',
  'software_catalog',
  'discovered_installations',
  'quarantined_records',
];

export interface WorkflowStoreEngine extends StoreEngine {
  /** Every row of every inventory table, ordered, for row-for-row comparison. */
  dumpInventory(store: NavigatorStore): Promise<Record<string, unknown[]>>;
}

async function dumpInventory(store: NavigatorStore): Promise<Record<string, unknown[]>> {
  const { db } = store as SqlNavigatorStore;
  const out: Record<string, unknown[]> = {};
  for (const table of INVENTORY_TABLES) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    out[table] = rows.rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

/** SQLite first, then PostgreSQL (which must be reachable: never skipped). */
export function storeEngines(): WorkflowStoreEngine[] {
  return engines().map((e) => ({ ...e, dumpInventory }));
}
