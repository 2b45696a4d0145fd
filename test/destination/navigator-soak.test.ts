/**
 * The Navigator destination under process kills and Navigator faults, on both store engines,
 * one process per part: the dev server, the AlloyScan emulator, the Navigator emulator (its
 * CLI), the workers and the CLI. Navigator faults all along: 5xx, dropped connections, 429
 * with Retry-After, tokens that expire every few seconds, answers lost after the write
 * committed. (1) A first import whose worker is SIGKILLed while it is creating (hundreds of
 * creates committed, more to come); (2) a reaudit of ~10 % of the devices, run by the CLI's
 * `force --wait`, whose worker is SIGKILLed while it is updating. After each run Navigator is
 * compared with the state store record by record (navigator-truth.ts), and the report's
 * Navigator counts with what the emulator committed.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createSyncStore, type SqlSyncStore } from '../../activities/store';
import type { RunReport, SyncJobConfig } from '../../common/sync-types';
import type { NavigatorCounters } from '../../emulator/navigator/counters';
import { loadConfig } from '../../ops/config';
import { forceSync } from '../../ops/force-sync';
import {
  addSiteProcess,
  freshDatabase,
  runCli,
  startNavigatorEmulatorProcess,
  startWorkerProcess,
  type Child,
  type NavigatorEmulatorProcess,
} from '../helpers/processes';
import { storeEngines, type WorkflowStoreEngine } from '../helpers/stores';
import { siteName } from '../helpers/sync-harness';
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

const DEVICES = 1500;
const REAUDIT = 0.1;
/** Kill the worker once this many creates (run 1) / updates (run 2) are committed. */
const KILL_AT_CREATES = 300;
const KILL_AT_UPDATES = 25;
describe('Navigator soak: kills while creating and while updating, Navigator faults, one process per part', () => {
  const stack = soakStack('nav-soak-');
  const { dataDir } = stack;

  for (const engine of storeEngines())
    it(`${engine.name}: Navigator = the state store after each kill, no duplicates, counts = commits`, async () => {
      await soak(engine);
    });

  async function soak(engine: WorkflowStoreEngine): Promise<void> {
    const t0 = Date.now();
    const name = siteName(`navsoak-${engine.name}`);
    const creds = await addSiteProcess(stack.emu, {
      name,
      devices: DEVICES,
      seed: engine.name === 'sqlite' ? 31 : 32,
    });
    const nav: NavigatorEmulatorProcess = await startNavigatorEmulatorProcess([
      '--seed',
      engine.name === 'sqlite' ? '41' : '42',
      '--write-latency-ms',
      String(WRITE_LATENCY_MS),
    ]);
    const db = engine.name === 'postgres' ? await freshDatabase('navsoak') : undefined;
    const sqlitePath = join(dataDir, `${name}.sqlite`);
    const config = writeConfig(name, sqlitePath, creds, nav);
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
    const workers: Child[] = [];
    const startWorker = async (): Promise<void> => {
      workers.push(await startWorkerProcess(config, env));
    };
    /** SIGKILL the worker once `moved(counters)` reaches `at`; the new worker starts at once. */
    const killWhen = async (what: string, moved: (c: NavigatorCounters) => number, at: number) => {
      await until(180_000, `${at} ${what} committed`, async () =>
        moved(await counters()) >= at ? true : undefined,
      );
      await workers.pop()!.stop('SIGKILL');
      const atKill = moved(await counters());
      await startWorker();
      return atKill;
    };
    let store: SqlSyncStore | undefined;
    try {
      await startWorker();
      store = await createSyncStore(db ? { databaseUrl: db.url } : { sqlitePath });
      await nav.admin('POST', '/admin/faults', { ...FAULTS, seed: 7 });

      // ---- 1. first import, the worker SIGKILLed while it is creating ----
      const run1 = await forceSync(stack.client, job, { heartbeatTimeout: HEARTBEAT });
      const createsAtKill = await killWhen('creates', (c) => sum(c.creates), KILL_AT_CREATES);
      const report1 = (await stack.client.workflow.getHandle(run1.workflowId).result()) as RunReport;
      const c1 = await counters();
      const truth1 = await assertNavigatorMatchesState(navAdmin, store, job.id, 'run 1');
      const n1 = checkReport('run 1', report1, truth1.records);
      assert.ok(
        createsAtKill < truth1.records,
        `killed mid-create: ${createsAtKill} of ${truth1.records} creates committed at the kill`,
      );
      assert.equal(
        n1.created + (n1.adopted.lostAnswer ?? 0),
        sum(c1.creates),
        'every committed create is linked once: created, or found again after its answer was lost (or its worker killed)',
      );
      assert.equal(n1.created + sum(n1.adopted), truth1.records, 'one link per live device');

      // ---- 2. ~10 % of the devices reaudited; the CLI's force --wait, killed while updating ----
      const { reaudited } = await stack.emu.admin<{ reaudited: number }>(
        'POST',
        `/admin/sites/${name}/reaudit`,
        {
          fraction: REAUDIT,
        },
      );
      await nav.admin('POST', '/admin/reset-counters');
      // Run 2 is started here with a short heartbeat (the CLI's runs keep the default 45 s); the
      // CLI's force --wait signals it (a follow-up full pass) and follows both to the end.
      const run2 = await forceSync(stack.client, job, { heartbeatTimeout: HEARTBEAT });
      const cli = runCli(['--config', config, 'force', job.id, '--wait'], env);
      const updatesAtKill = await killWhen('updates', (c) => sum(c.updates), KILL_AT_UPDATES);
      const done = await cli;
      assert.equal(done.code, 0, `CLI force --wait:\n${done.stdout}\n${done.stderr}`);
      const runs = await store.listRuns(job.id, 10);
      const report2 = runs.find((r) => r.runId === run2.runId);
      assert.ok(report2, `run 2 (${run2.runId}) is in the run log`);
      const follow = runs[0]!;
      assert.notEqual(follow.runId, run2.runId, 'the CLI followed a later run than run 2');
      const c2 = await counters();
      const truth2 = await assertNavigatorMatchesState(navAdmin, store, job.id, 'run 2');
      const n2 = checkReport('run 2', report2, truth2.records);
      assert.ok(
        updatesAtKill < reaudited,
        `killed mid-update: ${updatesAtKill} of ${reaudited} updates committed at the kill`,
      );
      assert.equal(n2.updated, reaudited, 'every reaudited device updated once');
      assert.equal(n2.created + sum(n2.adopted), 0, 'no create, no adoption');
      assert.ok(
        sum(c2.updates) >= n2.updated,
        `updates committed ${sum(c2.updates)} ≥ reported ${n2.updated}`,
      );
      // More committed than reported: a step action committed by the killed worker (or whose
      // answer was lost) is sent again, and the emulator counts both; Navigator holds one value.
      const redone = sum(c2.updates) - n2.updated;
      // The run after (the CLI's follow-up full pass): nothing left to write, Navigator unchanged.
      const n3 = checkReport('follow-up', follow, truth2.records);
      assert.equal(n3.writeCalls, 0, 'the follow-up pass writes nothing');
      assert.deepEqual(await assertNavigatorMatchesState(navAdmin, store, job.id, 'follow-up'), truth2);
      const faults = {
        '5xx': c1.faults5xx + c2.faults5xx,
        drops: c1.drops + c2.drops,
        '429': c1.throttled429 + c2.throttled429,
        lostAnswers: c1.lostAnswers + c2.lostAnswers,
        tokens: c1.token + c2.token,
      };
      for (const [k, v] of Object.entries(faults)) assert.ok(v > 0, `some ${k} during the runs`);
      console.log(
        `navigator-soak ${engine.name}: ${truth2.records} records (${truth2.computers} computers, ${truth2.inventoryItems} items); ` +
          `run 1 killed at ${createsAtKill} creates, committed ${sum(c1.creates)} = created ${n1.created} + lost-answer adoptions ${n1.adopted.lostAnswer ?? 0}; ` +
          `run 2 killed at ${updatesAtKill} of ${reaudited} updates, committed ${sum(c2.updates)} (${redone} sent again); ` +
          `faults ${JSON.stringify(faults)}; run seconds ${(report1.durationMs / 1000).toFixed(1)}/${(report2.durationMs / 1000).toFixed(1)}/${(follow.durationMs / 1000).toFixed(1)}; ` +
          `total ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
    } finally {
      for (const w of workers.splice(0)) await w.stop('SIGKILL');
      await store?.close();
      await db?.drop();
      await nav.stop();
    }
  }
});
