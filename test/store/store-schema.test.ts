import assert from 'node:assert/strict';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { SqlSyncStore } from '../../activities/store';
import type { RunReport } from '../../common/sync-types';
import { engines } from '../helpers/stores';
import { jobConfig } from '../helpers/jobs';

const TABLES = [
  'computers',
  'discovered_installations',
  'hardware',
  'navigator_installation_links',
  'navigator_links',
  'navigator_mirror',
  'navigator_run_stats',
  'quarantined_records',
  'run_api_calls',
  'run_batches',
  'run_seen',
  'software_catalog',
  'sync_jobs',
  'sync_runs',
];

async function tables(store: SqlSyncStore): Promise<string[]> {
  const query =
    store.engine === 'postgres'
      ? sql<{
          name: string;
        }>`select table_name as name from information_schema.tables where table_schema = current_schema()`
      : sql<{
          name: string;
        }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`;
  const { rows } = await query.execute(store.db);
  return rows
    .map((r) => r.name)
    .filter((n) => !n.startsWith('kysely_'))
    .sort();
}

const fullPassReasons = (store: SqlSyncStore) =>
  store.db.selectFrom('sync_jobs').select('full_pass_reason').execute();

function report(runId: string, startedAt: string, outcome: RunReport['outcome'] = 'succeeded'): RunReport {
  const partial = {
    runId,
    workflowId: `sync-job-${runId}`,
    jobId: 'job',
    trigger: 'manual',
    full: false,
    dryRun: false,
    outcome,
    startedAt,
    finishedAt: startedAt,
    durationMs: 12.6,
    verify: {
      sourceDevices: 3,
      importedDevices: 3,
      expectedInstallations: 9,
      storedInstallations: 9,
      ok: true,
    },
    message: 'ok',
  };
  return partial as RunReport;
}

for (const engine of engines()) {
  describe(`schema and run log on ${engine.name}`, () => {
    let store: SqlSyncStore;
    beforeEach(async () => {
      store = await engine.open({ migrate: false });
    });
    afterEach(async () => {
      await store.close();
    });
    after(() => engine.cleanup());

    it('migrates up, down to nothing, and up again', async () => {
      assert.deepEqual(await tables(store), []);
      await store.migrate();
      await store.migrate();
      assert.deepEqual(await tables(store), TABLES);
      assert.deepEqual(await store.appliedMigrations(), [
        '0001_inventory',
        '0002_sync_log',
        '0003_run_batches',
        '0004_write_back_run',
        '0005_job_lifecycle',
        '0006_run_seen_sweeps',
        '0010_navigator_links',
        '0011_navigator_installation_links',
        '0012_navigator_link_runs',
        '0013_run_step_calls',
      ]);
      await store.migrateDown();
      assert.deepEqual(
        await tables(store),
        TABLES.filter((t) => t !== 'run_api_calls'),
        "the retire steps' call counters go with their migration",
      );
      await store.migrateDown();
      assert.deepEqual(
        await tables(store),
        TABLES.filter((t) => t !== 'run_api_calls'),
        'the two link stamps are columns, no table',
      );
      await store.migrateDown();
      assert.deepEqual(
        await tables(store),
        TABLES.filter((t) => t !== 'run_api_calls' && t !== 'navigator_installation_links'),
        'the installation links go with their own migration',
      );
      await store.migrateDown();
      assert.deepEqual(
        await tables(store),
        TABLES.filter((t) => t !== 'run_api_calls' && !t.startsWith('navigator_')),
        'the Navigator state tables go with their migration',
      );
      await store.migrateDown();
      await store.migrateDown();
      await store.migrateDown();
      assert.deepEqual(await store.appliedMigrations(), [
        '0001_inventory',
        '0002_sync_log',
        '0003_run_batches',
      ]);
      await store.migrateDown();
      assert.deepEqual(await store.appliedMigrations(), ['0001_inventory', '0002_sync_log']);
      assert.deepEqual(
        await tables(store),
        TABLES.filter((t) => !['run_batches', 'run_api_calls'].includes(t) && !t.startsWith('navigator_')),
      );
      await assert.rejects(fullPassReasons(store), 'full_pass_reason dropped');
      await store.migrateDown();
      assert.deepEqual(await tables(store), [
        'computers',
        'discovered_installations',
        'hardware',
        'software_catalog',
      ]);
      await store.migrateDown(Infinity);
      assert.deepEqual(await tables(store), []);
      await store.migrate();
      assert.deepEqual(await tables(store), TABLES);
      assert.deepEqual(await fullPassReasons(store), []);
    });

    it('stores a job with its secret as a reference only, and updates it', async () => {
      await store.migrate();
      await store.upsertJob(jobConfig('site-1'));
      await store.upsertJob(
        jobConfig('site-1', { enabled: false, clientSecret: { file: '/run/secrets/as' } }),
      );
      const rows = await store.db.selectFrom('sync_jobs').selectAll().execute();
      assert.equal(rows.length, 1);
      assert.deepEqual(
        { enabled: rows[0]?.enabled, client_secret_ref: rows[0]?.client_secret_ref },
        { enabled: 0, client_secret_ref: '{"file":"/run/secrets/as"}' },
      );
      assert.deepEqual(JSON.parse(rows[0]?.settings ?? '{}'), {
        tokenPath: '/api/oauth/token',
        pageSize: 100,
        pageConcurrency: 2,
        requestsPerSecond: 10,
        missingThreshold: 0.2,
        fullRunIntervalHours: 0,
      });
    });

    it('keeps one row per run and lists the newest runs first', async () => {
      await store.migrate();
      await store.saveRunReport(report('r1', '2024-01-01T00:00:00.000Z'));
      await store.saveRunReport(report('r2', '2024-01-02T00:00:00.000Z', 'failed'));
      await store.saveRunReport(report('r2', '2024-01-02T00:00:00.000Z'));
      const runs = await store.listRuns('job', 10);
      assert.deepEqual(
        runs.map((r) => ({ runId: r.runId, outcome: r.outcome })),
        [
          { runId: 'r2', outcome: 'succeeded' },
          { runId: 'r1', outcome: 'succeeded' },
        ],
      );
      assert.deepEqual(await store.listRuns('job', 1), [runs[0]]);
      const row = await store.db
        .selectFrom('sync_runs')
        .selectAll()
        .where('run_id', '=', 'r1')
        .executeTakeFirst();
      assert.deepEqual(
        { duration_ms: Number(row?.duration_ms), stored_installations: row?.stored_installations },
        { duration_ms: 13, stored_installations: 9 },
      );
    });

    it('finds the last full pass however many runs ago, and the last success', async () => {
      await store.migrate();
      const at = (i: number) => new Date(Date.UTC(2024, 0, 1, 0, 30 * i)).toISOString();
      await store.saveRunReport({ ...report('full', at(0)), full: true });
      // A job scheduled every 30 minutes: 60 changed-only runs since, a dry run and a failure newest.
      for (let i = 1; i <= 60; i++) await store.saveRunReport(report(`run-${i}`, at(i)));
      await store.saveRunReport({ ...report('dry', at(61)), full: true, dryRun: true });
      await store.saveRunReport(report('failed', at(62), 'failed'));
      assert.equal(await store.lastFullPass('job'), at(0));
      assert.equal((await store.lastSuccess('job'))?.runId, 'run-60');
      assert.equal(await store.lastFullPass('other'), undefined);
    });

    it('stores quarantined records once per run, truncating the excerpt', async () => {
      await store.migrate();
      const rec = {
        sourceId: 'd-1',
        kind: 'device',
        reason: 'name: expected string',
        rawExcerpt: 'x'.repeat(5000),
      };
      await store.saveQuarantine('job', 'r1', [rec, rec]);
      await store.saveQuarantine('job', 'r1', [rec]);
      const rows = await store.db.selectFrom('quarantined_records').selectAll().execute();
      assert.deepEqual(
        { rows: rows.length, excerptLength: rows[0]?.raw_excerpt.length, reason: rows[0]?.reason },
        { rows: 1, excerptLength: 2000, reason: rec.reason },
      );
    });

    it('upserts the catalog and counts software-group changes', async () => {
      await store.migrate();
      const first = await store.upsertCatalog('job', [
        { id: 'p1', name: 'Office', softwareGroup: 'Required' },
        { id: 'p2', name: 'Game', softwareGroup: 'Forbidden' },
      ]);
      assert.deepEqual(first, { upserted: 2, groupChanged: 0 });
      const second = await store.upsertCatalog('job', [
        { id: 'p1', name: 'Office', softwareGroup: 'Regular' },
        { id: 'p2', name: 'Game', softwareGroup: 'Forbidden' },
      ]);
      assert.deepEqual(second, { upserted: 2, groupChanged: 1 });
      assert.deepEqual(
        await store.getProductGroups('job', ['p1', 'p2', 'p3']),
        new Map([
          ['p1', 'Regular'],
          ['p2', 'Forbidden'],
        ]),
      );
      assert.deepEqual(await store.getProductGroups('other', ['p1']), new Map());
    });

    it('adds installed products missing from the catalog, with their platform', async () => {
      await store.migrate();
      await store.upsertCatalog('job', [{ id: 'p1', name: 'Office', softwareGroup: 'Required' }]);
      const installations = [
        { productId: 'p1', name: 'Office', platform: 'Windows' },
        { productId: 'p9', name: 'New tool', platform: 'Linux' },
      ];
      await store.applyDevicePage('job', [
        { sourceId: 'd', kind: 'computer', deviceType: 'computer', contentHash: 'h', installations },
      ]);
      const rows = await store.db.selectFrom('software_catalog').selectAll().orderBy('product_id').execute();
      assert.deepEqual(
        rows.map((r) => ({
          product_id: r.product_id,
          platform: r.platform,
          software_group: r.software_group,
        })),
        [
          { product_id: 'p1', platform: 'Windows', software_group: 'Required' },
          { product_id: 'p9', platform: 'Linux', software_group: null },
        ],
      );
      assert.deepEqual(await store.getProductGroups('job', ['p9']), new Map(), 'no group yet: unknown');
    });
  });
}
