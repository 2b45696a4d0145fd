/**
 * The store engines every store test runs on: SQLite (a temp file) always, and PostgreSQL
 * (a fresh schema per store) at TEST_DATABASE_URL or the local CI server. PostgreSQL being
 * unreachable fails the tests: it is never skipped. An engine registers no hooks: a describe
 * opens a store in `beforeEach`, closes it in `afterEach` and calls `cleanup()` in `after`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createNavigatorStore, type Engine, type SqlNavigatorStore } from '../../activities/navigator';

export const PG_TEST_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface StoreEngine {
  name: Engine;
  /** A fresh, empty store (migrated unless `migrate: false`). Each call gets its own file / schema. */
  open(opts?: { migrate?: boolean }): Promise<SqlNavigatorStore>;
  /** Removes every file / schema this engine opened (close the stores first). */
  cleanup(): Promise<void>;
}

async function finish(store: SqlNavigatorStore, migrate: boolean): Promise<SqlNavigatorStore> {
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
      return finish(await createNavigatorStore({ sqlitePath: join(dir, 'navigator.sqlite') }), migrate);
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
      return finish(await createNavigatorStore({ databaseUrl: url, schema }), migrate);
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
