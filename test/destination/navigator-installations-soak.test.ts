/**
 * Software Installations into Navigator under a real SIGKILL, on both store engines, one
 * process per part (dev server, AlloyScan emulator, Navigator emulator with its Software
 * Installations class and a catalog made from the AlloyScan site's, workers). Navigator faults
 * all along (5xx, drops, 429, short tokens, answers lost after the write committed). The worker
 * is SIGKILLed once some installation records are committed but not all; a new worker finishes
 * the run. Then Navigator must hold exactly one installation record per (linked device,
 * catalogued product), none twice, the report's counts must be Navigator's and the emulator's
 * commits, and a no-change rerun must create nothing.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createSyncStore, type SqlSyncStore } from '../../activities/store';
import type { NavigatorInstallationReport, RunReport, SyncJobConfig } from '../../common/sync-types';
import type { NavigatorCounters } from '../../emulator/navigator/counters';
import { Site } from '../../emulator/site';
import { loadConfig } from '../../ops/config';
import { forceSync } from '../../ops/force-sync';
import {
  addSiteProcess,
  freshDatabase,
  startNavigatorEmulatorProcess,
  startWorkerProcess,
  type Child,
} from '../helpers/processes';
import { storeEngines, type WorkflowStoreEngine } from '../helpers/stores';
import { siteName } from '../helpers/sync-harness';
import { assertInstallationsMatch, navigatorProducts } from './navigator-installation-truth';
import {
  FAULTS,
  HEARTBEAT,
  soakStack,
  sum,
  until,
  WRITE_LATENCY_MS,
  writeConfig,
} from './navigator-soak-config';
import { assertNavigatorMatchesState, checkReport } from './navigator-truth';

const DEVICES = 100;
/** Kill the worker once this many installation records are committed. */
const KILL_AT = 40;
const CLASS = 'SoftwareInstallations';
/** More lost answers than the soak's, so that a few hundred creates see some. */
const INSTALL_FAULTS = { ...FAULTS, rateLostAnswer: 0.03, seed: 9 };

describe('Navigator installations soak: the worker SIGKILLed while creating installation records', () => {
  const stack = soakStack('nav-inst-soak-');
  const { dataDir } = stack;

  for (const engine of storeEngines())
    it(`${engine.name}: one record per device and catalogued product, counts = commits, rerun creates none`, async () => {
      await soak(engine);
    });

  async function soak(engine: WorkflowStoreEngine): Promise<void> {
    const t0 = Date.now();
    const name = siteName(`navinst-${engine.name}`);
    const siteOptions = { name, devices: DEVICES, seed: engine.name === 'sqlite' ? 33 : 34 };
    const creds = await addSiteProcess(stack.emu, siteOptions);
    // The same options make the same catalog (a pure function of them) as the emulator process's.
    const catalog = new Site(siteOptions, '').catalog;
    const productsFile = join(dataDir, `${name}-products.json`);
    writeFileSync(productsFile, JSON.stringify(navigatorProducts(catalog)));
    const nav = await startNavigatorEmulatorProcess([
      '--seed',
      engine.name === 'sqlite' ? '43' : '44',
      '--write-latency-ms',
      String(WRITE_LATENCY_MS),
      '--software-installations',
      '--products-file',
      productsFile,
    ]);
    const db = engine.name === 'postgres' ? await freshDatabase('navinst') : undefined;
    const sqlitePath = join(dataDir, `${name}.sqlite`);
    const config = writeConfig(name, sqlitePath, creds, nav, { installations: true });
    const env: NodeJS.ProcessEnv = {
      TEMPORAL_ADDRESS: stack.server.address,
      NAVSOAK_ALLOYSCAN_SECRET: creds.clientSecret,
      NAVSOAK_NAVIGATOR_SECRET: nav.secret,
      DATABASE_URL: db?.url ?? '',
    };
    const job: SyncJobConfig = loadConfig(config, env).jobs[0]!;
    const navAdmin = <T>(method: string, path: string, body?: unknown): Promise<T> =>
      nav.admin<T>(method, path, body);
    const counters = (): Promise<NavigatorCounters> => nav.admin<NavigatorCounters>('GET', '/admin/counters');
    const run = async (): Promise<RunReport> => {
      const h = await forceSync(stack.client, job, { heartbeatTimeout: HEARTBEAT });
      return (await stack.client.workflow.getHandle(h.workflowId).result()) as RunReport;
    };
    const installationsOf = (r: RunReport): NavigatorInstallationReport => {
      assert.ok(r.navigator?.installations, 'the report has an installations part');
      return r.navigator.installations;
    };
    const workers: Child[] = [];
    let store: SqlSyncStore | undefined;
    try {
      workers.push(await startWorkerProcess(config, env));
      store = await createSyncStore(db ? { databaseUrl: db.url } : { sqlitePath });
      await nav.admin('POST', '/admin/faults', INSTALL_FAULTS);

      // ---- 1. first import; the worker SIGKILLed once some installation records are committed ----
      const h1 = await forceSync(stack.client, job, { heartbeatTimeout: HEARTBEAT });
      await until(300_000, `${KILL_AT} installation creates committed`, async () =>
        ((await counters()).creates[CLASS] ?? 0) >= KILL_AT ? true : undefined,
      );
      await workers.pop()!.stop('SIGKILL');
      const atKill = (await counters()).creates[CLASS] ?? 0;
      const killedAfter = Date.now() - t0;
      workers.push(await startWorkerProcess(config, env));
      const report1 = (await stack.client.workflow.getHandle(h1.workflowId).result()) as RunReport;
      const c1 = await counters();

      const devices = await assertNavigatorMatchesState(navAdmin, store, job.id, 'run 1');
      checkReport('run 1', report1, devices.records);
      const truth = await assertInstallationsMatch(navAdmin, store, job.id, catalog, 'run 1');
      const alloyscan = await stack.emu.admin<{ installations: number }>(
        'GET',
        `/admin/sites/${name}/ground-truth`,
      );
      assert.equal(truth.stored, alloyscan.installations, 'the store holds the AlloyScan ground truth');
      assert.ok(
        truth.records >= 150 && truth.notInCatalog > 0,
        `a real mix: ${truth.records} to write, ${truth.notInCatalog} not in the catalog`,
      );
      assert.ok(
        atKill < truth.records,
        `killed mid-create: ${atKill} of ${truth.records} committed at the kill`,
      );
      const inst1 = installationsOf(report1);
      assert.equal(inst1.created + inst1.adopted, truth.records, 'the report counts what Navigator holds');
      assert.equal(
        inst1.created + inst1.adopted,
        c1.creates[CLASS],
        'every committed create is linked once: created, or found again (its answer lost or its worker killed)',
      );
      assert.deepEqual(inst1.verify, {
        expected: truth.records,
        found: truth.records,
        duplicates: 0,
        ok: true,
      });
      assert.equal(inst1.notWritten.pending, 0, 'nothing left pending');
      assert.equal(inst1.notWritten.notInCatalog, truth.notInCatalog);
      assert.ok(
        c1.lostAnswers > 0 && c1.faults5xx > 0,
        `faults: ${c1.lostAnswers} lost, ${c1.faults5xx} 5xx`,
      );
      const rules = await store.db
        .selectFrom('navigator_installation_links')
        .select(['rule', (eb) => eb.fn.countAll<string>().as('n')])
        .where('job_id', '=', job.id)
        .groupBy('rule')
        .execute();
      const byRule = Object.fromEntries(rules.map((r) => [r.rule ?? 'none', Number(r.n)]));

      // ---- 2. a no-change rerun: no installation create ----
      await nav.admin('POST', '/admin/reset-counters');
      const report2 = await run();
      const c2 = await counters();
      const devices2 = await assertNavigatorMatchesState(navAdmin, store, job.id, 'rerun');
      checkReport('rerun', report2, devices2.records);
      assert.equal(c2.creates[CLASS] ?? 0, 0, 'the rerun creates no installation record');
      const inst2 = installationsOf(report2);
      assert.equal(inst2.created + inst2.adopted, 0, 'the rerun reports no create, no adoption');
      assert.equal(inst2.unchanged, truth.records);
      assert.deepEqual(await assertInstallationsMatch(navAdmin, store, job.id, catalog, 'rerun'), truth);
      console.log(
        `navigator-installations-soak ${engine.name}: ${truth.records} installation records ` +
          `(${truth.stored} stored, ${truth.notInCatalog} not in the catalog) on ${devices.records} devices; ` +
          `killed at ${atKill} installation creates committed; committed ${c1.creates[CLASS]} = created ${inst1.created} + adopted ${inst1.adopted}; ` +
          `links by rule ${JSON.stringify(byRule)}; faults lost ${c1.lostAnswers} 5xx ${c1.faults5xx} drops ${c1.drops} 429 ${c1.throttled429}; ` +
          `all creates ${sum(c1.creates)}; rerun write calls ${report2.navigator?.writeCalls}; ` +
          `killed after ${(killedAfter / 1000).toFixed(1)} s, run seconds ${(report1.durationMs / 1000).toFixed(1)}/${(report2.durationMs / 1000).toFixed(1)}; total ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
    } finally {
      for (const w of workers.splice(0)) await w.stop('SIGKILL');
      await store?.close();
      await db?.drop();
      await nav.stop();
    }
  }
});
