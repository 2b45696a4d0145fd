/**
 * A soak of the whole run under the faults a production user meets, on both store engines,
 * with the emulator, the workers and the CLI each in its own process and a restartable
 * Temporal dev server (file database):
 *   1. first import under the fault mix (429 with Retry-After, 5xx, dropped connections,
 *      malformed devices and products); the worker is SIGKILLed after some pages and restarted;
 *   2. the site changes (records retired in Navigator with `onRetire: delete`, devices removed
 *      in AlloyScan, reaudits, new devices; malformed records off from here, so the follow-up
 *      pass must converge on the ground truth); a forced run, then `force --wait` from the CLI
 *      (signals it: a follow-up full pass); the worker is SIGKILLed during the retire
 *      write-back, the Temporal server is restarted during the follow-up pass (PostgreSQL only:
 *      the outage costs ~25 s; the CLI keeps following), and the worker is SIGKILLed a third
 *      time during the follow-up's paging. Not during verify: verifyCounts does not heartbeat
 *      and has a 2-minute start-to-close timeout, so a kill there stalls the run 2 minutes.
 * After each run the store is compared with the emulator's ground truth, and the report with
 * the store. One line of figures per engine goes to the log.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import { createSyncStore, type SqlSyncStore } from '../../activities/store';
import type { RunReport, SyncJobConfig, SyncProgress } from '../../common/sync-types';
import type { FaultOptions, SiteOptions } from '../../emulator/options';
import { Site } from '../../emulator/site';
import { loadConfig } from '../../ops/config';
import { printReport } from '../../ops/follow-run';
import { forceSync } from '../../ops/force-sync';
import { startDevServer, type DevServer } from '../../scripts/dev-server';
import {
  freePort,
  addSiteProcess,
  freshDatabase,
  startEmulatorProcess,
  startWorkerProcess,
  type Child,
  type EmulatorProcess,
} from '../helpers/processes';
import { storeEngines, type WorkflowStoreEngine } from '../helpers/stores';
import { siteName } from '../helpers/sync-harness';

const DEVICES = 3000;
const PAGE_SIZE = 50;
const RETIRED = 150;
const REMOVED = 60;
const ADDED = 40;
const HEARTBEAT = '3 seconds';
/** The transient part of the fault mix (every run); run 1 adds malformed records. */
const TRANSIENT: FaultOptions = {
  seed: 5,
  rate429: 0.005,
  retryAfterSeconds: 1,
  rate5xx: 0.005,
  dropRate: 0.002,
};
const MALFORMED_RATE = 0.01;
/** Device-level variants the sync must quarantine ('extra-fields' is still a valid record). */
const INVALID = new Set(['missing-id', 'wrong-type', 'oversized']);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `promise`, or a clear error after `ms`. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new Error(`deadline: ${what} not within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Poll `check` until it returns a value; a clear error after `ms`. Errors of `check` are retried. */
async function until<T>(ms: number, what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `deadline: ${what} not within ${ms / 1000} s${last instanceof Error ? ` (last error: ${last.message})` : ''}`,
      );
    await sleep(50);
  }
}

/** The CLI in a child process, its output readable while it runs. */
function startCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): { stdout(): string; stderr(): string; done: Promise<number | null>; kill(): void } {
  const child = spawn(process.execPath, [resolve(__dirname, '../../client/cli.js'), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  return {
    stdout: () => out,
    stderr: () => err,
    done,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

interface GroundTruth {
  devices: number;
  installations: number;
}

interface SiteStatsWire {
  requests: Record<string, number>;
  faultsInjected: Record<string, number>;
}

describe('fault soak: the whole run under production faults, one process per part', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fault-soak-'));
  let server: DevServer | undefined;
  let port: number;
  let uiPort: number;
  let emu: EmulatorProcess | undefined;
  let client: Client | undefined;

  before(async () => {
    [port, uiPort] = [await freePort(), await freePort()];
    server = await startDevServer({ port, uiPort, dataDir });
    emu = await startEmulatorProcess();
    client = new Client({ connection: await Connection.connect({ address: server.address }) });
  });
  after(async () => {
    await client?.connection.close();
    await emu?.stop();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  for (const engine of storeEngines()) {
    it(`${engine.name}: kills during paging and write-back, a server restart, exact store and reports`, async () => {
      await soak(engine);
    });
  }

  async function soak(engine: WorkflowStoreEngine): Promise<void> {
    const t0 = Date.now();
    const restartServer = engine.name === 'postgres';
    const name = siteName(`soak-${engine.name}`);
    const siteOptions: SiteOptions = {
      name,
      devices: DEVICES,
      seed: engine.name === 'sqlite' ? 101 : 202,
      faults: { ...TRANSIENT, malformedRate: MALFORMED_RATE },
    };
    const creds = await addSiteProcess(emu!, { ...siteOptions });
    const admin = <T>(method: string, path: string, body?: unknown): Promise<T> =>
      emu!.admin<T>(method, `/admin/sites/${name}${path}`, body);
    const secretEnv = `SOAK_SECRET_${engine.name.toUpperCase()}`;
    const db = engine.name === 'postgres' ? await freshDatabase('soak') : undefined;
    const sqlitePath = join(dataDir, `${name}.sqlite`);
    const config = join(dataDir, `${name}.json`);
    writeFileSync(
      config,
      JSON.stringify({
        store: { sqlitePath },
        jobs: [
          {
            id: name,
            enabled: false,
            siteUrl: creds.siteUrl,
            clientId: creds.clientId,
            clientSecret: { env: secretEnv },
            schedule: { cron: '0 3 * * *', timeZone: 'UTC' },
            importSoftware: 'all',
            onRetire: 'delete',
            pageSize: PAGE_SIZE,
            pageConcurrency: 4,
            requestsPerSecond: 1000,
            fullRunIntervalHours: 0,
          },
        ],
      }),
    );
    const env: NodeJS.ProcessEnv = {
      TEMPORAL_ADDRESS: server!.address,
      [secretEnv]: creds.clientSecret,
      DATABASE_URL: db?.url ?? '',
    };
    const job: SyncJobConfig = loadConfig(config, env).jobs[0]!;
    const workers: Child[] = [];
    let kills = 0;
    const startWorker = async (): Promise<void> => {
      workers.push(await within(60_000, 'a worker process ready', startWorkerProcess(config, env)));
    };
    const killWorker = async (): Promise<void> => {
      const w = workers.pop()!;
      await w.stop('SIGKILL');
      kills++;
    };
    let store: SqlSyncStore | undefined;
    let cli: ReturnType<typeof startCli> | undefined;
    try {
      await startWorker();
      store = await createSyncStore(db ? { databaseUrl: db.url } : { sqlitePath });
      const handleOf = (id: string) => client!.workflow.getHandle(id);
      const progress = (id: string): Promise<SyncProgress | undefined> =>
        handleOf(id)
          .query<SyncProgress>('progress')
          .catch(() => undefined);

      // ---- 1. first import under the fault mix, the worker killed after some pages ----
      const oracle = new Site(siteOptions, 'http://oracle.invalid');
      const malformedDevices = oracle
        .deviceIds()
        .filter((id) => INVALID.has(oracle.malformedVariant(id) ?? 'extra-fields')).length;
      const run1 = await forceSync(client!, job, { heartbeatTimeout: HEARTBEAT });
      await until(120_000, 'run 1 to commit 6 pages', async () =>
        ((await progress(run1.workflowId))?.pagesDone ?? 0) >= 6 ? true : undefined,
      );
      const pagesAtKill1 = (await progress(run1.workflowId))?.pagesDone ?? -1;
      await killWorker();
      await startWorker();
      const report1 = await within(
        180_000,
        'run 1 (first import) to finish',
        handleOf(run1.workflowId).result() as Promise<RunReport>,
      );
      assert.ok(
        pagesAtKill1 < report1.pages,
        `killed during paging (page ${pagesAtKill1} of ${report1.pages})`,
      );
      const stats1 = await admin<SiteStatsWire>('GET', '/stats');
      const truth1 = await admin<GroundTruth>('GET', '/ground-truth');
      await checkRun('run 1', report1, truth1, {
        expectQuarantinedDevices: malformedDevices,
        expectedAdded: truth1.devices - malformedDevices,
      });

      // ---- 2. the site changes; a forced run, then the CLI's force --wait ----
      const live = [
        ...(await store.listRecords('computer', job.id)),
        ...(await store.listRecords('hardware', job.id)),
      ].filter((r) => r.sourceId && !r.retiredAt && !r.missingFromAlloyScan);
      live.sort((a, b) => a.sourceId!.localeCompare(b.sourceId!));
      const retired = live.slice(0, RETIRED);
      const removed = live.slice(RETIRED, RETIRED + REMOVED).map((r) => r.sourceId!);
      for (const r of retired) await store.retire(r.kind, String(r.id), new Date().toISOString());
      await admin('PUT', '/faults', {});
      await removeOnSite(creds, removed);
      await admin('POST', '/reaudit', { fraction: 0.03 });
      await admin('POST', '/devices', { count: ADDED });
      // No malformed records from here on: the follow-up pass must converge on the ground truth.
      // Every call slowed for the write-back to last long enough to be killed mid-way.
      await admin('PUT', '/faults', { ...TRANSIENT, slowRate: 1, slowMs: 100 });
      await admin('DELETE', '/stats');
      const run2 = await forceSync(client!, job, { heartbeatTimeout: HEARTBEAT });
      assert.equal(run2.action, 'started');
      const handle2 = handleOf(run2.workflowId);
      cli = startCli(['--config', config, 'force', job.id, '--wait'], env);
      await until(60_000, 'the CLI to signal the running run', () =>
        Promise.resolve(/signalled; a full pass follows it/.test(cli!.stdout()) ? true : undefined),
      );
      const deletes = async (): Promise<number> =>
        (await admin<SiteStatsWire>('GET', '/stats')).requests['devices.delete'] ?? 0;
      const sentAtKill2 = await until(
        120_000,
        'the retire write-back to send a quarter of its deletes',
        async () => {
          const n = await deletes();
          return n >= RETIRED / 4 ? n : undefined;
        },
      );
      await killWorker();
      assert.ok(
        sentAtKill2 < RETIRED,
        `killed during the write-back (${sentAtKill2} of ${RETIRED} deletes sent)`,
      );
      await admin('PUT', '/faults', TRANSIENT);
      await startWorker();

      // The follow-up full pass: the Temporal server restarted mid-way (one engine: the outage
      // costs ~25 s), then a third kill.
      const firstRun = run2.runId!;
      const followRunId = await until(120_000, 'the follow-up full pass to start', async () => {
        const d = await handle2.describe();
        return d.runId !== firstRun ? d.runId : undefined;
      });
      const pagesAtRestart = await until(120_000, 'the follow-up pass to commit 5 pages', async () => {
        const p = await progress(run2.workflowId);
        return p && p.pagesDone >= 5 ? p.pagesDone : undefined;
      });
      let outageS = 0;
      if (restartServer) {
        const restartAt = Date.now();
        await server!.stop();
        // Longer than the client's own gRPC retries (~20 s): the CLI's follower sees the outage.
        await sleep(22_000);
        server = await startDevServer({ port, uiPort, dataDir });
        outageS = (Date.now() - restartAt) / 1000;
      }
      // The third kill, once the pass goes on (after the restart, where there was one).
      const pagesAtKill3 = await until(120_000, 'the follow-up pass to go on', async () => {
        const p = await progress(run2.workflowId);
        return p && p.pagesDone >= pagesAtRestart + 3 ? p : undefined;
      });
      await killWorker();
      assert.equal(
        pagesAtKill3.phase,
        'inventory',
        "the third kill lands during the follow-up pass's paging",
      );
      await startWorker();
      const exit = await within(240_000, 'the CLI `force --wait` to exit', cli.done);
      const followReport = await within(
        60_000,
        'the follow-up report',
        handle2.result() as Promise<RunReport>,
      );
      const runs = await store.listRuns(job.id, 10);
      const report2 = runs.find((r) => r.runId === firstRun);
      assert.ok(report2, `run 2 (${firstRun}) is in the run log: ${runs.map((r) => r.runId).join(', ')}`);
      const stats2 = await admin<SiteStatsWire>('GET', '/stats');
      const truth2 = await admin<GroundTruth>('GET', '/ground-truth');

      // The CLI: exit 0, it said it reconnected, and printed the follow-up's report as the workflow returned it.
      const printed: string[] = [];
      printReport({ ok: true, report: followReport }, (s) => printed.push(s));
      assert.deepEqual(
        {
          exit,
          reconnected: /reconnecting to Temporal/.test(cli.stderr()) || !restartServer,
          reportPrinted: cli.stdout().includes(printed.join('\n')),
        },
        { exit: 0, reconnected: true, reportPrinted: true },
        `CLI stdout:\n${cli.stdout()}\nCLI stderr:\n${cli.stderr()}\nexpected report:\n${printed.join('\n')}`,
      );

      // Run 2: every retired record deleted on the site once, counted once.
      const token = await tokenFor(creds);
      const gone = await Promise.all(retired.map((r) => deviceExists(creds.siteUrl, token, r.sourceId!)));
      assert.deepEqual(
        {
          outcome: report2.outcome,
          deleted: report2.retire.writeBackDeleted,
          alreadyGone: report2.retire.writeBackAlreadyGone,
          stillOnSite: gone.filter(Boolean).length,
          deletesSeenBySite: (stats2.requests['devices.delete'] ?? 0) >= RETIRED,
          verify: report2.verify.ok,
          followUpRunId: followRunId !== firstRun,
        },
        {
          outcome: 'succeeded',
          deleted: RETIRED,
          alreadyGone: 0,
          stillOnSite: 0,
          deletesSeenBySite: true,
          verify: true,
          followUpRunId: true,
        },
        report2.message,
      );
      const flagged = report2.retire.flaggedMissing + followReport.retire.flaggedMissing;
      assert.equal(flagged, REMOVED, `the ${REMOVED} devices removed in AlloyScan are flagged missing once`);
      await checkRun('run 2 (follow-up full pass)', followReport, truth2, { expectQuarantinedDevices: 0 });
      const counts = await store.counts(job.id);
      assert.equal(counts.flaggedMissing, REMOVED, 'flagged missing in the store');

      const injected = (s: SiteStatsWire, k: string): number => s.faultsInjected[k] ?? 0;
      const failed = (s: SiteStatsWire): number =>
        injected(s, '429') + injected(s, '5xx') + injected(s, 'drop');
      console.log(
        `fault-soak ${engine.name}: devices ${DEVICES}+${ADDED}-${RETIRED}-${REMOVED}=${truth2.devices}, ` +
          `pages ${report1.pages}/${report2.pages}/${followReport.pages}, ` +
          `failed attempts ${failed(stats1) + failed(stats2)} (5xx ${injected(stats1, '5xx') + injected(stats2, '5xx')}, ` +
          `drops ${injected(stats1, 'drop') + injected(stats2, 'drop')}), 429s ${injected(stats1, '429') + injected(stats2, '429')}, ` +
          `quarantined ${report1.quarantined}, kills ${kills}, server outage ${outageS.toFixed(1)} s, ` +
          `run seconds ${(report1.durationMs / 1000).toFixed(1)}/${(report2.durationMs / 1000).toFixed(1)}/${(followReport.durationMs / 1000).toFixed(1)}, ` +
          `total ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
    } finally {
      cli?.kill();
      for (const w of workers.splice(0)) await w.stop('SIGKILL');
      await store?.close();
      await db?.drop();
    }

    /** The store against the ground truth, and the report against the store. */
    async function checkRun(
      label: string,
      report: RunReport,
      truth: GroundTruth,
      expect: { expectQuarantinedDevices: number; expectedAdded?: number },
    ): Promise<void> {
      const counts = await store!.counts(job.id);
      const rows = await distinctRows(store!, job.id);
      const quarantine = await store!.listQuarantine(job.id, report.runId, 1_000_000);
      const quarantinedDevices = quarantine.filter((q) => q.kind === 'devices' || q.kind === 'device');
      const dump = await engine.dumpInventory(store!);
      const byKind: Record<string, number> = {};
      for (const q of quarantine) byKind[q.kind] = (byKind[q.kind] ?? 0) + 1;
      console.log(`fault-soak ${engine.name} ${label}: quarantined by kind ${JSON.stringify(byKind)}`);
      assert.deepEqual(
        {
          outcome: report.outcome,
          verify: report.verify.ok,
          storeDevices: counts.liveDevices,
          reportImported: report.verify.importedDevices,
          distinctDevices: rows.distinct,
          distinctInstallations: rows.distinctInstallations,
          storeInstallations: counts.installations,
          reportInstallations: report.verify.storedInstallations,
          expectedInstallations: report.verify.expectedInstallations,
          quarantineRows: quarantine.length,
          distinctQuarantineRows: new Set(quarantine.map((q) => `${q.kind}:${q.sourceId}`)).size,
          quarantinedDevices: new Set(quarantinedDevices.map((q) => q.sourceId)).size,
          installationRowsInDump: dump.discovered_installations!.length,
          ...(expect.expectedAdded !== undefined ? { added: report.counts.added } : {}),
        },
        {
          outcome: 'succeeded',
          verify: true,
          storeDevices: truth.devices - expect.expectQuarantinedDevices,
          reportImported: truth.devices - expect.expectQuarantinedDevices,
          distinctDevices: rows.total,
          distinctInstallations: rows.installations,
          storeInstallations:
            expect.expectQuarantinedDevices === 0 ? truth.installations : counts.installations,
          reportInstallations: counts.installations,
          expectedInstallations: counts.installations,
          quarantineRows: report.quarantined,
          distinctQuarantineRows: quarantine.length,
          quarantinedDevices: expect.expectQuarantinedDevices,
          installationRowsInDump: rows.installations,
          ...(expect.expectedAdded !== undefined ? { added: expect.expectedAdded } : {}),
        },
        `${label}: ${report.message}`,
      );
    }
  }
});

/** Rows and distinct source ids of the job's live records, and installation rows vs distinct keys. */
async function distinctRows(
  store: SqlSyncStore,
  jobId: string,
): Promise<{ total: number; distinct: number; installations: number; distinctInstallations: number }> {
  const recs = await sql<{ total: string | number; uniq: string | number }>`
    select count(*) as total, count(distinct alloyscan_id) as uniq from (
      select alloyscan_id from computers where job_id = ${jobId} and retired_at is null and missing_from_alloyscan = 0
      union all
      select alloyscan_id from hardware where job_id = ${jobId} and retired_at is null and missing_from_alloyscan = 0
    ) r`.execute(store.db);
  const inst = await sql<{ total: string | number; uniq: string | number }>`
    select count(*) as total, count(distinct record_kind || ':' || record_id || ':' || product_id) as uniq
    from discovered_installations`.execute(store.db);
  return {
    total: Number(recs.rows[0]!.total),
    distinct: Number(recs.rows[0]!.uniq),
    installations: Number(inst.rows[0]!.total),
    distinctInstallations: Number(inst.rows[0]!.uniq),
  };
}

async function tokenFor(creds: { siteUrl: string; clientId: string; clientSecret: string }): Promise<string> {
  const res = await fetch(`${creds.siteUrl}/api/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: creds.clientId,
      client_secret: creds.clientSecret,
    }).toString(),
  });
  if (!res.ok) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Devices deleted in AlloyScan by someone else (faults off while this runs). */
async function removeOnSite(
  creds: { siteUrl: string; clientId: string; clientSecret: string },
  ids: string[],
): Promise<void> {
  const token = await tokenFor(creds);
  for (const id of ids) {
    const res = await fetch(`${creds.siteUrl}/api/v1/devices/${encodeURIComponent(id)}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    if (res.status !== 204) throw new Error(`deleting ${id} on the site: ${res.status} ${await res.text()}`);
  }
}

/** Whether the site still has the device (a GET; retried over the transient faults). */
async function deviceExists(siteUrl: string, token: string, id: string): Promise<boolean> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const res = await fetch(`${siteUrl}/api/v1/devices/${encodeURIComponent(id)}`, {
      headers: { authorization: `Bearer ${token}` },
    }).catch(() => undefined);
    if (res?.status === 404) return false;
    if (res?.status === 200) return true;
    await sleep(100);
  }
  throw new Error(`could not look up ${id} on the site`);
}
