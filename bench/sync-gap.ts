/**
 * `npm run bench`: how far a sync is from the machine's limit, measured as a user runs it —
 * the Temporal dev server, the emulator, the worker and the CLI each in its own process — on
 * SQLite and on a freshly created PostgreSQL database. Prints a table and JSON; asserts
 * nothing (timings here are noisy: read the ratios, all taken in one run).
 *
 *   (a) raw fetch of the same calls at the same concurrency (bare keep-alive, JSON.parse only)
 *   (a') the device reads of (a) through the project's client
 *   (a_list) the calls of a no-change rerun (token, groups, catalog, device-list pages at
 *        pageSize, pageConcurrency at once), bare in the same way: what (d) is held to
 *   (b) raw load: applyDevicePage of the same rows, 500 per transaction
 *   (c) full import, (d) no-change rerun, (e) 1 %-changed rerun: CLI wall time, its start included
 *   worker RSS: idle and peak; and the peak of full imports of 10k and 100k devices
 *   workers: the full import with 1, 2, 3 worker processes on one task queue (PostgreSQL)
 *   (f), (g) and the Navigator write calls of the reruns: bench/navigator-parts.ts
 *
 *   npm run bench -- [--devices 20000] [--engines sqlite,postgres] [--rss 10000,100000]
 *                    [--workers 1,2,3] [--workers-engine postgres] [--json out.json]
 *                    [--navigator-latency-ms 100] [--navigator-concurrency 8] [--skip-navigator]
 *                    [--quick] [--cpu-prof-dir DIR] [--worker-node-args='--max-semi-space-size=32']
 *
 *   --quick: only the rows (a)…(e) on --engines (no Navigator, RSS or workers rows).
 *   --cpu-prof-dir: profile the worker (node --cpu-prof) of (c), (d) and (e), a fresh worker
 *     process for each, written as DIR/<engine>-<c|d|e>.cpuprofile (bench/cpu-profile.js
 *     summarises one). The worker's start then falls in each run: read its timings with that.
 *                    [--navigator-only]   (rows (f), (g) and the reruns' write calls alone)
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { RunReport } from '../common/sync-types';
import { connectClient } from '../ops/temporal';
import { startDevServer } from '../scripts/dev-server';
import {
  freePort,
  addSiteProcess,
  freshDatabase,
  memoryOf,
  runCli,
  startEmulatorProcess,
  startWorkerProcess,
  type EmulatorProcess,
} from '../test/helpers/processes';
import { breakdownLine, historyBreakdown } from './history-breakdown';
import { measureNavigator, navigatorRows, type NavigatorFigures } from './navigator-parts';
import { clientFetch, rawFetch, rawList, rawLoad, upsertsOf, type Site } from './raw-parts';

const PAGE = 500;
const PAGES_AT_ONCE = 4;
const DETAILS_AT_ONCE = 8;

/** CPU seconds (user + system) a process has used so far (Linux /proc, 100 ticks a second). */
function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** `fn`'s result, with the CPU seconds this process and `others` used meanwhile. */
async function withCpu<T>(fn: () => Promise<T>, others: number[] = []) {
  const before = { self: process.cpuUsage(), others: others.map(cpuOf) };
  const result = await fn();
  const self = process.cpuUsage(before.self);
  const othersCpu = others.map((pid, i) => cpuOf(pid) - before.others[i]!);
  return { result, cpu: (self.user + self.system) / 1e6, othersCpu };
}

interface Env {
  emu: EmulatorProcess;
  temporal: string;
  dir: string;
  /** Where the worker's CPU profiles go (a fresh worker per run), or undefined: no profiling. */
  cpuProfDir?: string | undefined;
  /** More flags for node itself in the worker of (c)–(e), to try one (e.g. GC sizing). */
  workerNodeArgs: string[];
}

/** A job config for `site` on `store`, written to a file; returns its path. */
function writeConfig(env: Env, name: string, site: Site, sqlitePath: string): string {
  const secretEnv = `BENCH_SECRET_${name.replace(/-/g, '_').toUpperCase()}`;
  process.env[secretEnv] = site.clientSecret;
  const file = join(env.dir, `${name}.json`);
  const job = {
    id: name,
    enabled: false,
    siteUrl: site.siteUrl,
    clientId: site.clientId,
    clientSecret: { env: secretEnv },
    schedule: { cron: '0 3 * * *' },
    pageSize: PAGE,
    pageConcurrency: PAGES_AT_ONCE,
    requestsPerSecond: 100_000,
  };
  writeFileSync(file, JSON.stringify({ store: { sqlitePath }, jobs: [job] }));
  return file;
}

async function storeFor(engine: string, env: Env, name: string) {
  if (engine === 'sqlite')
    return { sqlitePath: join(env.dir, `${name}.sqlite`), drop: () => Promise.resolve() };
  const db = await freshDatabase(`bench_${name.replace(/-/g, '_')}`);
  return { sqlitePath: join(env.dir, 'unused.sqlite'), databaseUrl: db.url, drop: () => db.drop() };
}

/** One import through the CLI: wall time, the report, history events per page. */
async function cliRun(env: Env, config: string, job: string, dbEnv: NodeJS.ProcessEnv) {
  const run = await runCli(['--config', config, 'force', job, '--wait'], dbEnv);
  if (run.code !== 0) throw new Error(`force ${job} exited ${run.code}:\n${run.stdout}\n${run.stderr}`);
  const workflowId = /started (\S+)/.exec(run.stdout)![1]!;
  const client = await connectClient({
    address: env.temporal,
    namespace: 'default',
    connectionOptions: { address: env.temporal },
  });
  const handle = client.workflow.getHandle(workflowId);
  const report = (await handle.result()) as RunReport;
  const events = (await handle.describe()).historyLength;
  const breakdown = historyBreakdown(await handle.fetchHistory());
  await client.connection.close();
  if (!report.verify.ok) throw new Error(`verify failed: ${report.message}`);
  return { seconds: run.ms / 1000, report, eventsPerPage: events / Math.max(1, report.pages), breakdown };
}

async function measureEngine(env: Env, engine: string, devices: number) {
  const name = `gap-${engine}`;
  const site = await addSiteProcess(env.emu, { name, seed: 3, devices });
  const concurrency = PAGES_AT_ONCE * DETAILS_AT_ONCE;
  const emuPid = env.emu.pid;
  const aCpu = await withCpu(() => rawFetch(site, concurrency, PAGE), [emuPid]);
  const a = aCpu.result;
  const aList = await rawList(site, PAGE, PAGES_AT_ONCE);
  const viaClient = await clientFetch(site, a.ids, concurrency);
  const loadStore = await storeFor(engine, env, `${name}-load`);
  const rows = upsertsOf(viaClient.reads, a.tracked, a.catalog);
  const bCpu = await withCpu(() => rawLoad(rows, loadStore));
  const b = bCpu.result;
  await loadStore.drop();
  const store = await storeFor(engine, env, name);
  const dbEnv = { TEMPORAL_ADDRESS: env.temporal, DATABASE_URL: store.databaseUrl ?? '' };
  const config = writeConfig(env, name, site, store.sqlitePath);
  const prof = env.cpuProfDir;
  const nodeArgs = (run: string) => [
    ...env.workerNodeArgs,
    ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`, `--cpu-prof-name=${engine}-${run}.cpuprofile`] : []),
  ];
  let worker = await startWorkerProcess(config, dbEnv, { nodeArgs: nodeArgs('c') });
  const idle = memoryOf(worker.pid).rssMiB;
  // Profiling: a fresh worker per run, so that each profile holds one run (stop writes it).
  const next = async (run: string) => {
    if (!prof) return;
    await worker.stop();
    worker = await startWorkerProcess(config, dbEnv, { nodeArgs: nodeArgs(run) });
  };
  const cCpu = await withCpu(() => cliRun(env, config, name, dbEnv), [worker.pid, emuPid]);
  const c = cCpu.result;
  await next('d');
  const d = await cliRun(env, config, name, dbEnv);
  await env.emu.admin('POST', `/admin/sites/${name}/reaudit`, { fraction: 0.01 });
  await next('e');
  const e = await cliRun(env, config, name, dbEnv);
  const peak = memoryOf(worker.pid).peakMiB;
  await worker.stop();
  await store.drop();
  return {
    engine,
    devices,
    rawFetchSeconds: a.seconds,
    rawFetchCalls: a.calls,
    rawListSeconds: aList.seconds,
    rawListCalls: aList.calls,
    clientFetchSeconds: viaClient.seconds,
    clientPerBareCall: viaClient.seconds / ((a.seconds * viaClient.calls) / a.calls),
    rawLoadSeconds: b.seconds,
    fullSeconds: c.seconds,
    fullApiCalls: c.report.apiCalls,
    noChangeSeconds: d.seconds,
    noChangeApiCalls: d.report.apiCalls,
    noChangePerList: d.seconds / aList.seconds,
    noChangeBreakdown: d.breakdown,
    fullBreakdown: c.breakdown,
    onePercentSeconds: e.seconds,
    gap: c.seconds / (a.seconds + b.seconds),
    // CPU seconds, less sensitive than wall time to a shared machine's load.
    rawFetchCpu: aCpu.cpu,
    rawFetchEmulatorCpu: aCpu.othersCpu[0]!,
    rawLoadCpu: bCpu.cpu,
    fullWorkerCpu: cCpu.othersCpu[0]!,
    fullEmulatorCpu: cCpu.othersCpu[1]!,
    noChangeRatio: d.seconds / c.seconds,
    onePercentRatio: e.seconds / c.seconds,
    eventsPerPage: c.eventsPerPage,
    workerIdleMiB: idle,
    workerPeakMiB: peak,
  };
}

/** Peak RSS of a fresh worker through one full import of `devices` (SQLite). */
async function peakRss(env: Env, devices: number) {
  const name = `rss-${devices}`;
  const site = await addSiteProcess(env.emu, { name, seed: 5, devices });
  const config = writeConfig(env, name, site, join(env.dir, `${name}.sqlite`));
  const dbEnv = { TEMPORAL_ADDRESS: env.temporal, DATABASE_URL: '' };
  const worker = await startWorkerProcess(config, dbEnv);
  const idle = memoryOf(worker.pid).rssMiB;
  const run = await cliRun(env, config, name, dbEnv);
  const peak = memoryOf(worker.pid).peakMiB;
  await worker.stop();
  return { devices, idleMiB: idle, peakMiB: peak, seconds: run.seconds };
}

/** A full import of `devices` with `n` worker processes on one task queue, into a fresh store. */
async function withWorkers(env: Env, engine: string, devices: number, n: number) {
  const name = `workers-${n}`;
  const site = await addSiteProcess(env.emu, { name, seed: 7, devices });
  const store = await storeFor(engine, env, name);
  const dbEnv = { TEMPORAL_ADDRESS: env.temporal, DATABASE_URL: store.databaseUrl ?? '' };
  const config = writeConfig(env, name, site, store.sqlitePath);
  const workers = [];
  try {
    for (let i = 0; i < n; i++) workers.push(await startWorkerProcess(config, dbEnv));
    const run = await cliRun(env, config, name, dbEnv);
    return { engine, devices, workers: n, seconds: run.seconds };
  } finally {
    for (const w of workers) await w.stop();
    await store.drop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      devices: { type: 'string', default: '20000' },
      engines: { type: 'string', default: 'sqlite,postgres' },
      rss: { type: 'string', default: '10000,100000' },
      workers: { type: 'string', default: '1,2,3' },
      'workers-engine': { type: 'string', default: 'postgres' },
      json: { type: 'string' },
      'navigator-latency-ms': { type: 'string', default: '100' },
      'navigator-concurrency': { type: 'string', default: '8' },
      'skip-navigator': { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      'cpu-prof-dir': { type: 'string' },
      'worker-node-args': { type: 'string', default: '' },
      'navigator-only': { type: 'boolean', default: false },
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'bench-gap-'));
  const server = await startDevServer({ port: await freePort(), uiPort: await freePort(), dataDir: dir });
  const emu = await startEmulatorProcess();
  const env: Env = {
    emu,
    temporal: server.address,
    dir,
    cpuProfDir: values['cpu-prof-dir'],
    workerNodeArgs: values['worker-node-args'].split(' ').filter(Boolean),
  };
  const quick = values.quick;
  try {
    const engines = [];
    const only = values['navigator-only'];
    for (const engine of only ? [] : values.engines.split(',').filter(Boolean))
      engines.push(await measureEngine(env, engine, Number(values.devices)));
    const navigator: NavigatorFigures[] = [];
    for (const engine of values['skip-navigator'] || quick ? [] : values.engines.split(',').filter(Boolean)) {
      const parts = { ...env, storeFor: (n: string) => storeFor(engine, env, n) };
      const cli = (c: string, j: string, e: NodeJS.ProcessEnv) => cliRun(env, c, j, e);
      navigator.push(
        await measureNavigator({ ...parts, cliRun: cli }, engine, Number(values.devices), {
          writeLatencyMs: Number(values['navigator-latency-ms']),
          concurrency: Number(values['navigator-concurrency']),
        }),
      );
    }
    const rss = [];
    for (const size of (quick || only ? '' : values.rss).split(',').filter(Boolean).map(Number))
      rss.push(await peakRss(env, size));
    const workers = [];
    for (const n of (quick || only ? '' : values.workers).split(',').filter(Boolean).map(Number))
      workers.push(await withWorkers(env, values['workers-engine'], Number(values.devices), n));
    const result = {
      at: new Date().toISOString(),
      machine: `${(await import('node:os')).cpus().length} cores`,
      engines,
      navigator,
      rss,
      rssRatio: rss.length >= 2 ? rss[rss.length - 1]!.peakMiB / rss[0]!.peakMiB : undefined,
      workers,
    };
    printTable(result, values.engines.split(',').filter(Boolean));
    console.log(JSON.stringify(result, null, 2));
    if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 2));
  } finally {
    await emu.stop();
    await server.stop();
  }
}

function printTable(
  r: {
    engines: Awaited<ReturnType<typeof measureEngine>>[];
    navigator: NavigatorFigures[];
    rss: Awaited<ReturnType<typeof peakRss>>[];
    rssRatio: number | undefined;
    workers: Awaited<ReturnType<typeof withWorkers>>[];
  },
  engineNames: string[],
): void {
  const f = (n: number, d = 1): string => n.toFixed(d);
  const rows: [string, (e: Awaited<ReturnType<typeof measureEngine>>) => string][] = [
    ['(a) raw fetch, s', (e) => `${f(e.rawFetchSeconds)} (${e.rawFetchCalls} calls)`],
    ["(a') same reads via our client, × bare per call", (e) => f(e.clientPerBareCall, 2)],
    ['(a_list) raw listing of a rerun, s', (e) => `${f(e.rawListSeconds, 2)} (${e.rawListCalls} calls)`],
    ['(b) raw load, s', (e) => f(e.rawLoadSeconds)],
    ['(c) full import, s', (e) => f(e.fullSeconds)],
    ['c / (a+b)', (e) => f(e.gap, 2)],
    [
      'CPU s: (a) bench + (b) bench → (c) worker',
      (e) =>
        `${f(e.rawFetchCpu)} + ${f(e.rawLoadCpu)} → ${f(e.fullWorkerCpu)} (× ${f(e.fullWorkerCpu / (e.rawFetchCpu + e.rawLoadCpu), 2)})`,
    ],
    ['CPU s: emulator in (a) → in (c)', (e) => `${f(e.rawFetchEmulatorCpu)} → ${f(e.fullEmulatorCpu)}`],
    ['(d) no-change rerun, s', (e) => `${f(e.noChangeSeconds, 2)} (${e.noChangeApiCalls} calls)`],
    ['(d) no-change rerun / c', (e) => f(e.noChangeRatio, 3)],
    ['d / (a_list)', (e) => f(e.noChangePerList, 2)],
    [
      '(d) where: CLI wall − workflow span, s',
      (e) => f(e.noChangeSeconds - e.noChangeBreakdown.workflowSeconds, 2),
    ],
    ['(d) where: workflow span; activities (summed)', (e) => breakdownLine(e.noChangeBreakdown)],
    ['(c) where: workflow span; activities (summed)', (e) => breakdownLine(e.fullBreakdown)],
    ['(e) 1 %-changed rerun / c', (e) => f(e.onePercentRatio, 3)],
    ['history events per page', (e) => f(e.eventsPerPage, 1)],
    ['worker RSS idle → peak, MiB', (e) => `${f(e.workerIdleMiB, 0)} → ${f(e.workerPeakMiB, 0)}`],
  ];
  const names = r.engines.length ? r.engines.map((e) => e.engine) : engineNames;
  const devices = r.engines[0]?.devices ?? r.navigator[0]?.devices;
  console.log(`\n| figure | ${names.map((e) => `${e} (${devices})`).join(' | ')} |`);
  console.log(`|---|${names.map(() => '---|').join('')}`);
  if (r.engines.length)
    for (const [label, cell] of rows) console.log(`| ${label} | ${r.engines.map(cell).join(' | ')} |`);
  for (const line of navigatorRows(names, r.navigator)) console.log(line);
  for (const s of r.rss)
    console.log(
      `| worker peak RSS, ${s.devices} devices (idle ${f(s.idleMiB, 0)}) | ${f(s.peakMiB, 0)} MiB |`,
    );
  if (r.rssRatio !== undefined) console.log(`| RSS ratio largest / smallest | ${f(r.rssRatio, 2)} |`);
  const one = r.workers.find((w) => w.workers === 1);
  for (const w of r.workers)
    console.log(
      `| full import, ${w.workers} worker${w.workers > 1 ? 's' : ''} (${w.engine}, ${w.devices}), s | ${f(w.seconds)}${one ? ` (× ${f(w.seconds / one.seconds, 2)} of one)` : ''} |`,
    );
  console.log('');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
