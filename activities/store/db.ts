/**
 * Opens the Navigator store's database: PostgreSQL when a URL is given (production,
 * DATABASE_URL), else a SQLite file (the embedded default, no server).
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  sql,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';
import { Pool } from 'pg';
import type { Database } from './tables';

export type Engine = 'sqlite' | 'postgres';

export interface OpenDatabaseOptions {
  /** postgres://… — selects PostgreSQL. */
  databaseUrl?: string | undefined;
  /** SQLite file used when no URL is given (default `.data/navigator.sqlite`). */
  sqlitePath?: string | undefined;
  /** PostgreSQL only: schema to work in (created if missing; tests use one per file). */
  schema?: string | undefined;
}

export interface OpenedDatabase {
  db: Kysely<Database>;
  engine: Engine;
  /** PostgreSQL schema in use (undefined on SQLite). */
  schema: string | undefined;
}

export const DEFAULT_SQLITE_PATH = '.data/navigator.sqlite';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Opens (and for PostgreSQL, checks) a connection; nothing is migrated here. */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<OpenedDatabase> {
  if (opts.databaseUrl !== undefined && opts.databaseUrl !== '') {
    return openPostgres(opts.databaseUrl, opts.schema);
  }
  return { db: openSqlite(opts.sqlitePath ?? DEFAULT_SQLITE_PATH), engine: 'sqlite', schema: undefined };
}

/**
 * Write transactions take SQLite's write lock up front (BEGIN IMMEDIATE), so a second process
 * (CLI, another worker) waits out busy_timeout instead of failing at once with SQLITE_BUSY
 * when a deferred transaction tries to upgrade its read lock.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly sqliteConfig: SqliteDialectConfig) {
    super(sqliteConfig);
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.sqliteConfig);
  }
}

function openSqlite(path: string): Kysely<Database> {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const database = new SqliteDatabase(path);
  database.pragma('journal_mode = WAL');
  // Another process (CLI, second worker) may hold the write lock briefly: wait, don't fail.
  database.pragma('busy_timeout = 10000');
  database.pragma('foreign_keys = ON');
  return new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(database) }),
  });
}

/** Statements kept prepared per connection; past this the cache starts over. */
const STATEMENT_CACHE = 256;
const CACHED = /^\s*(select|insert|update|delete|with)\b/i;

/**
 * kysely prepares every statement anew on each execution; a page's import runs the same few
 * statements hundreds of times, and preparing them cost as much as running some. Data
 * statements are kept prepared by their SQL text (SQLite re-prepares one by itself after a
 * schema change). Nothing here streams (iterate), so a cached statement is never busy.
 */
function withStatementCache(database: SqliteDatabase.Database): SqliteDialectConfig['database'] {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => database.close(),
    prepare: (sql: string) => {
      if (!CACHED.test(sql)) return database.prepare(sql);
      let stmt = cache.get(sql);
      if (stmt === undefined) {
        if (cache.size >= STATEMENT_CACHE) cache.clear();
        stmt = database.prepare(sql);
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}

async function openPostgres(url: string, schema: string | undefined): Promise<OpenedDatabase> {
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`invalid PostgreSQL schema name "${schema}": use lower-case letters, digits and _`);
  }
  const pool = new Pool({
    connectionString: url,
    max: 10,
    // Fail fast while the database is down (the activity retries), never hang a query.
    connectionTimeoutMillis: 10_000,
    query_timeout: 120_000,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // A connection dropped by the server or the network (restart, outage) must not crash the
  // worker: idle ones are discarded by the pool; a checked-out one (between two queries of a
  // transaction) emits 'error' on itself, and its next query rejects, failing the activity as
  // StoreUnavailable, which Temporal retries.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    if (schema !== undefined) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
    else await sql`select 1`.execute(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return { db, engine: 'postgres', schema };
}

/** Which engine a kysely instance talks to (migrations use it for the few DDL differences). */
export function engineOf(db: Kysely<unknown>): Engine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** Tables whose counts the sync queries after filling them. */
const ANALYSED = ['run_seen', 'computers', 'hardware', 'discovered_installations', 'software_catalog'];

/**
 * PostgreSQL: ANALYZE the tables never analysed, or changed by more than a tenth (at least
 * 1,000 rows) since: autovacuum's own rule, applied now. Cheap when there is nothing to do.
 */
export async function refreshStatistics(db: Kysely<Database>): Promise<string[]> {
  if (engineOf(db as unknown as Kysely<unknown>) !== 'postgres') return [];
  const stale = await sql<{ relname: string }>`
    select relname from pg_stat_user_tables
    where schemaname = current_schema() and relname in (${sql.join(ANALYSED)})
      and ((last_analyze is null and last_autoanalyze is null and n_live_tup + n_mod_since_analyze > 0)
        or n_mod_since_analyze > greatest(n_live_tup / 10, 1000))`.execute(db);
  const tables = stale.rows.map((r) => r.relname).sort();
  if (tables.length > 0) await sql`analyze ${sql.join(tables.map((t) => sql.id(t)))}`.execute(db);
  return tables;
}
