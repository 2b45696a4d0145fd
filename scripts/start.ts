/**
 * `npm start`: the whole local stack on embedded defaults. Temporal dev server (file DB,
 * Web UI) unless TEMPORAL_ADDRESS points elsewhere; the AlloyScan emulator with a demo site
 * and an App registration (secret written to a 0600 file, referenced by the config); the
 * SQLite store; the Navigator emulator beside it (its Application secret in a 0600 file too);
 * the worker with one schedule per job; a first forced run whose report is printed. Ctrl-C
 * stops everything it started.
 * With ALLOYSCAN_SYNC_CONFIG set, that configuration is used instead of the demo site.
 * SIGINT and SIGTERM stop it cleanly; `npm start` execs node, so a signal sent to npm's PID
 * (what a supervisor knows) reaches this process, which npm forwards it to.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { startEmulator, type EmulatedSite, type Emulator } from '../emulator';
import { Site } from '../emulator/site';
import { waitForReport, printReport } from '../ops/follow-run';
import { forceSync } from '../ops/force-sync';
import { type SyncConfig, loadConfig, parseConfig } from '../ops/config';
import { startDevServer, type DevServer } from './dev-server';
import { startNavigatorDemo, type NavigatorDemo } from './navigator-demo';
import { startWorker } from '../worker/main';
import { installRuntime } from '../worker/telemetry';
import { webUiLinks, webUiRuns } from '../ops/web-ui';
import { connectClient, temporalSettings } from '../ops/temporal';

const ROOT = resolve(__dirname, '../..');
/** Its files: the demo config and secret, the SQLite store, the dev server's database. */
const DATA = resolve(ROOT, process.env.ALLOYSCAN_SYNC_DATA_DIR ?? '.data');
const log = (msg: string): void => console.log(`[start] ${msg}`);

/**
 * The demo site's App registration. The emulator keeps registrations in memory, so the
 * credentials are saved under .data/secrets (0600) and restored on the next start: runs
 * recorded by the persistent dev server keep working across restarts.
 */
function demoRegistration(site: EmulatedSite): { clientId: string; secretFile: string } {
  const dir = resolve(DATA, 'secrets');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secretFile = resolve(dir, 'demo-client-secret');
  const idFile = resolve(dir, 'demo-client-id');
  const opts = { name: 'alloyscan-sync demo', expiresAt: '2030-01-01T00:00:00Z' };
  if (existsSync(idFile) && existsSync(secretFile)) {
    const restore = {
      clientId: readFileSync(idFile, 'utf8').trim(),
      clientSecret: readFileSync(secretFile, 'utf8').trim(),
    };
    site.createRegistration({ ...opts, restore });
    return { clientId: restore.clientId, secretFile };
  }
  const reg = site.createRegistration(opts);
  writeFileSync(secretFile, reg.clientSecret, { mode: 0o600 });
  writeFileSync(idFile, reg.clientId);
  return { clientId: reg.clientId, secretFile };
}

const DEMO_SITE = { name: 'demo', seed: 1, devices: Number(process.env.DEMO_DEVICES ?? 2000) };

function demoConfig(emulator: Emulator, navigator: NavigatorDemo): SyncConfig {
  const { devices } = DEMO_SITE;
  const site = emulator.addSite(DEMO_SITE);
  const reg = demoRegistration(site);
  const raw = {
    jobs: [
      {
        id: 'demo',
        enabled: true,
        siteUrl: site.url,
        clientId: reg.clientId,
        clientSecret: { file: reg.secretFile },
        schedule: { cron: '*/30 * * * *', timeZone: 'UTC' },
        importSoftware: 'all',
        onRetire: 'keep',
        // The emulator is local: no workload limit to respect.
        requestsPerSecond: 500,
        pageConcurrency: 2,
        navigator: 'demo',
      },
    ],
    navigators: [
      {
        id: 'demo',
        apiUrl: navigator.apiUrl,
        clientId: navigator.clientId,
        clientSecret: { file: navigator.secretFile },
        classes: {
          computer: 'Computers',
          inventoryItem: 'InventoryItems',
          softwareInstallation: 'SoftwareInstallations',
        },
        templates: { computer: '301', inventoryItem: '302', softwareInstallation: '304' },
        actions: {
          updateComputer: '401',
          updateInventoryItem: '402',
          markMissing: { computer: '405', inventoryItem: '406' },
          clearMissing: { computer: '407', inventoryItem: '408' },
        },
        deviceIdField: 'Audit_ID',
        requestsPerSecond: 500,
        concurrency: 8,
      },
    ],
    store: { sqlitePath: resolve(DATA, 'navigator.sqlite') },
  };
  writeFileSync(resolve(DATA, 'demo-config.json'), JSON.stringify(raw, null, 2));
  log(
    `emulator site "demo" (${devices} devices) at ${site.url}; config written to ${relative(ROOT, resolve(DATA, 'demo-config.json'))}`,
  );
  return parseConfig(raw, 'the demo configuration');
}

/** What this script started, newest first: the worker, then the emulator, the dev server last. */
const cleanups: (() => Promise<void>)[] = [];
let stopping: Promise<void> | undefined;

/** Stop everything started here (once, in order), then exit. */
function stopAllAndExit(code: number): void {
  stopping ??= (async () => {
    for (const c of cleanups) await c().catch(() => undefined);
  })();
  void stopping.then(() => process.exit(code));
}

function onSignal(): void {
  // A second Ctrl-C exits now; the dev server still gets its SIGTERM from its exit hook.
  if (stopping) process.exit(130);
  log('stopping...');
  stopAllAndExit(0);
}

async function main(): Promise<void> {
  // Quiet SDK logs (warnings and errors only); this script handles Ctrl-C itself, in order.
  const userConfig = process.env.ALLOYSCAN_SYNC_CONFIG;
  // A user config is read first: its metrics.bindAddress applies (the runtime installs once).
  const fromFile = userConfig ? loadConfig(userConfig) : undefined;
  const metrics = process.env.ALLOYSCAN_SYNC_METRICS ?? fromFile?.metrics?.bindAddress ?? '127.0.0.1:9464';
  installRuntime({ metrics, logLevel: 'WARN', shutdownSignals: [] });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
  mkdirSync(DATA, { recursive: true });
  let server: DevServer | undefined;
  if (!process.env.TEMPORAL_ADDRESS) {
    const started = await startDevServer();
    server = started;
    cleanups.unshift(() => started.stop());
    process.env.TEMPORAL_ADDRESS = started.address;
    log(`Temporal dev server at ${started.address}${started.process ? '' : ' (already running: reused)'}`);
  }
  let config: SyncConfig;
  let demoNavigator: NavigatorDemo | undefined;
  if (fromFile) config = fromFile;
  else {
    const emulator = await startEmulator({ port: Number(process.env.ALLOYSCAN_EMULATOR_PORT ?? 8787) });
    cleanups.unshift(() => emulator.close());
    // The demo's Navigator: apiUrl, clientId and secretFile are what a navigators entry takes.
    // Its catalog: the demo site's products (the same options make the same catalog).
    const navigator = await startNavigatorDemo(DATA, new Site(DEMO_SITE, '').catalog);
    demoNavigator = navigator;
    cleanups.unshift(() => navigator.close());
    log(
      `Navigator emulator at ${navigator.apiUrl} (Application ${navigator.clientId}, secret in ${navigator.secretFile})`,
    );
    log(`  Navigator ground truth: ${navigator.groundTruthUrl}`);
    config = demoConfig(emulator, navigator);
  }
  const running = await startWorker(config, log);
  cleanups.unshift(() => running.stop());
  if (demoNavigator) {
    // The Navigator emulator keeps its records in memory: it starts empty, so links to the
    // records an earlier start created point nowhere. Forget them; this run creates them again.
    const cleared = await running.store.navigator.clearLinks('demo');
    if (cleared > 0) log(`the Navigator emulator started empty: ${cleared} links of job demo cleared`);
  }

  const settings = temporalSettings();
  const client = await connectClient(settings);
  cleanups.unshift(() => client.connection.close());
  for (const job of config.jobs) {
    const first = (await running.store.listRuns(job.id, 1)).length === 0;
    const res = await forceSync(client, job);
    log(`${first ? 'first run' : 'a run at start-up'} of job ${job.id}: ${res.action} ${res.workflowId}`);
    const outcome = await waitForReport(client, res.workflowId, { progress: true });
    printReport(outcome);
  }
  if (demoNavigator) {
    log(`Navigator records the sync wrote (the emulator's ground truth):`);
    log(`  Computers: ${demoNavigator.groundTruthUrl}`);
    log(
      `  Inventory Items: ${demoNavigator.groundTruthUrl.replace('class=Computers', 'class=InventoryItems')}`,
    );
    log(`  Software Installations: ${demoNavigator.installationsUrl}`);
  }
  const ui = server?.uiUrl ?? process.env.TEMPORAL_UI_URL;
  if (ui) {
    const ns = settings.namespace;
    log(`Temporal Web UI: ${ui}/namespaces/${encodeURIComponent(ns)}/workflows`);
    for (const job of config.jobs) log(`  runs of job ${job.id}: ${webUiLinks(ui, ns, job.id).jobRuns}`);
    log(`  failed runs of any job: ${webUiRuns(ui, ns, { outcome: 'failed' })}`);
  }
  log(`Prometheus metrics: http://${metrics}/metrics`);
  log('worker running with the schedules; Ctrl-C stops everything started here');
  await running.done;
}

main().then(
  () => stopAllAndExit(0),
  (err: unknown) => {
    // While stopping, an error from a closed connection is expected: not worth printing.
    if (!stopping) console.error(`[start] ${err instanceof Error ? err.message : String(err)}`);
    // Start-up failed (say, port 8787 in use): stop what was already started before exiting.
    stopAllAndExit(1);
  },
);
