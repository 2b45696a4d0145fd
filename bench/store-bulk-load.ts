/**
 * Bulk load of the Navigator store: applies N devices × M installations in pages through
 * applyDevicePage on SQLite (temp file) and PostgreSQL (a throw-away schema), and prints
 * Discovered Installations rows/s per engine and the PostgreSQL / SQLite ratio.
 *   node dist/bench/store-bulk-load.js [--devices 2000] [--installs 25] [--page 200]
 *   PostgreSQL: DATABASE_URL, else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { createSyncStore, type SqlSyncStore } from '../activities/store';
import type { DeviceUpsert } from '../common/domain';

interface Options {
  devices: number;
  installs: number;
  page: number;
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

function makePage(from: number, count: number, installs: number): DeviceUpsert[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const d = {
      sourceId: `dev-${i}`,
      kind: 'computer' as const,
      deviceType: 'computer',
      name: `bench-pc-${i}`,
      serialNumber: `BENCH-${i}`,
      installations: Array.from({ length: installs }, (_, j) => ({
        productId: `prod-${(i * 7 + j * 13) % 500}-${j}`,
        name: `Product ${j}`,
        version: `${j}.0.${i % 10}`,
        publisher: 'Bench Corp',
        platform: 'Windows',
      })),
    };
    return { ...d, contentHash: createHash('sha256').update(JSON.stringify(d)).digest('hex') };
  });
}

/** Seconds to apply every page; pages are generated outside the timed section. */
async function loadAll(store: SqlSyncStore, opts: Options): Promise<number> {
  let elapsed = 0;
  for (let from = 0; from < opts.devices; from += opts.page) {
    const page = makePage(from, Math.min(opts.page, opts.devices - from), opts.installs);
    const t0 = performance.now();
    await store.applyDevicePage('bench', page);
    elapsed += performance.now() - t0;
  }
  return elapsed / 1000;
}

async function measure(store: SqlSyncStore, opts: Options) {
  await store.migrate();
  const load = await loadAll(store, opts);
  const reapply = await loadAll(store, opts);
  const counts = await store.counts('bench');
  if (counts.installations !== opts.devices * opts.installs) {
    throw new Error(`stored ${counts.installations} installations, expected ${opts.devices * opts.installs}`);
  }
  return { load, reapply, rowsPerSec: counts.installations / load };
}

async function onSqlite(opts: Options) {
  const dir = mkdtempSync(join(tmpdir(), 'navigator-bench-'));
  const store = await createSyncStore({ sqlitePath: join(dir, 'navigator.sqlite') });
  try {
    return await measure(store, opts);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function onPostgres(opts: Options) {
  const url =
    process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const store = await createSyncStore({ databaseUrl: url, schema });
  try {
    return await measure(store, opts);
  } finally {
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(store.db);
    await store.close();
  }
}

async function main(): Promise<void> {
  const opts = {
    devices: option('devices', 2000),
    installs: option('installs', 25),
    page: option('page', 200),
  };
  const rows = opts.devices * opts.installs;
  console.log(
    `bulk load: ${opts.devices} devices × ${opts.installs} installations = ${rows} rows, pages of ${opts.page}`,
  );
  const results = { sqlite: await onSqlite(opts), postgres: await onPostgres(opts) };
  for (const [engine, r] of Object.entries(results)) {
    console.log(
      `${engine.padEnd(8)} load ${r.load.toFixed(2)} s  ${Math.round(r.rowsPerSec).toLocaleString('en-US')} installations/s` +
        `  | unchanged re-apply ${r.reapply.toFixed(2)} s`,
    );
  }
  console.log(
    `ratio postgres/sqlite (rows/s): ${(results.postgres.rowsPerSec / results.sqlite.rowsPerSec).toFixed(2)}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
