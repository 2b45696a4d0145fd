/**
 * The store engines the store and workflow tests run on: SQLite (a temp file) always, and
 * PostgreSQL (a fresh schema per store) at TEST_DATABASE_URL or the local CI server.
 * PostgreSQL being unreachable fails the tests: it is never skipped. An engine registers no
 * hooks: a describe opens a store with `open()`, closes it, and calls `cleanup()` in `after`.
 * `storeEngines()` adds a row-for-row dump of the inventory tables (what a dry run must leave
 * unchanged).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { Client } from 'pg';
import { createSyncStore, type Engine, type SqlSyncStore } from '../../activities/store';
import type { SyncStore } from '../../activities/store/store-types';

export const PG_TEST_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface StoreEngine {
  name: Engine;
  /** A fresh, empty store (migrated unless `migrate: false`). Each call gets its own file / schema. */
  open(opts?: { migrate?: boolean }): Promise<SqlSyncStore>;
  /** Removes every file / schema this engine opened (close the stores first). */
  cleanup(): Promise<void>;
}

async function finish(store: SqlSyncStore, migrate: boolean): Promise<SqlSyncStore> {
  if (migrate) await store.migrate();
  return store;
}

function sqliteEngine(): StoreEngine {
  const dirs: string[] = [];
  return {
    name: 'sqlite',
    open: async ({ migrate = true } = {}) => {
      const dir = mkdtempSync(join(tmpdir(), 'navigator-test-'));
      dirs.push(dir);
      return finish(await createSyncStore({ sqlitePath: join(dir, 'navigator.sqlite') }), migrate);
    },
    cleanup: () => {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

function postgresEngine(url = PG_TEST_URL): StoreEngine {
  const schemas: string[] = [];
  return {
    name: 'postgres',
    open: async ({ migrate = true } = {}) => {
      const schema = `t_${randomBytes(6).toString('hex')}`;
      schemas.push(schema);
      return finish(await createSyncStore({ databaseUrl: url, schema }), migrate);
    },
    cleanup: async () => {
      if (schemas.length === 0) return;
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        for (const schema of schemas.splice(0))
          await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

/** SQLite and PostgreSQL: run the same test bodies on each. */
export function engines(): StoreEngine[] {
  return [sqliteEngine(), postgresEngine()];
}

export const INVENTORY_TABLES = [
  'computers',
  'hardware',
  'software_catalog',
  'discovered_installations',
  'quarantined_records',
];

export interface WorkflowStoreEngine extends StoreEngine {
  /** Every row of every inventory table, ordered, for row-for-row comparison. */
  dumpInventory(store: SyncStore): Promise<Record<string, unknown[]>>;
}

async function dumpInventory(store: SyncStore): Promise<Record<string, unknown[]>> {
  const { db } = store as SqlSyncStore;
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
