/**
 * The Navigator rows of `npm run bench` (issue 17 item 8), each engine on its own site, store
 * and Navigator emulator process, the emulator's writes slowed by a per-write latency (a real
 * Navigator runs a workflow for every create and step action):
 *   (f) the full import into Navigator: a job with `navigator`, CLI wall time of `force --wait`
 *       (its own start included), as (c) is measured;
 *   (g) the same creates sent bare: the create bodies the sync wrote (read back from its
 *       links), plain keep-alive HTTP POSTs to a fresh Navigator emulator process with the
 *       same latency, as many in flight as the navigator's `concurrency`;
 *   and the Navigator write calls of a no-change rerun (must be 0) and of a 1 %-changed rerun.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSyncStore } from '../activities/store';
import { bareCreates } from './navigator-bare';
import type { RunReport } from '../common/sync-types';
import type { NavigatorCounters } from '../emulator/navigator/counters';
import {
  addSiteProcess,
  startNavigatorEmulatorProcess,
  startWorkerProcess,
  type EmulatorProcess,
  type NavigatorEmulatorProcess,
} from '../test/helpers/processes';

export interface NavigatorBenchOptions {
  /** Added by the emulator to every create and step action, ms. */
  writeLatencyMs: number;
  /** The navigator's `concurrency` (requests in flight), and (g)'s. */
  concurrency: number;
}

/** What sync-gap.ts lends: its store per engine and its timed CLI run (one definition of each). */
export interface BenchParts {
  emu: EmulatorProcess;
  temporal: string;
  dir: string;
  storeFor(name: string): Promise<{ sqlitePath: string; databaseUrl?: string; drop(): Promise<void> }>;
  cliRun(
    config: string,
    job: string,
    dbEnv: NodeJS.ProcessEnv,
  ): Promise<{ seconds: number; report: RunReport }>;
}

export type NavigatorFigures = Awaited<ReturnType<typeof measureNavigator>>;

const TEMPLATE = { computer: '301', hardware: '302' } as const;

function writeConfig(
  parts: BenchParts,
  name: string,
  site: { siteUrl: string; clientId: string },
  nav: NavigatorEmulatorProcess,
  sqlitePath: string,
  o: NavigatorBenchOptions,
): string {
  const file = join(parts.dir, `${name}.json`);
  const navigator = {
    id: 'bench',
    apiUrl: nav.apiUrl,
    clientId: nav.clientId,
    clientSecret: { env: 'BENCH_NAVIGATOR_SECRET' },
    templates: { computer: TEMPLATE.computer, inventoryItem: TEMPLATE.hardware },
    actions: { updateComputer: '401', updateInventoryItem: '402' },
    requestsPerSecond: 10_000,
    concurrency: o.concurrency,
  };
  const job = {
    id: name,
    enabled: false,
    siteUrl: site.siteUrl,
    clientId: site.clientId,
    clientSecret: { env: 'BENCH_ALLOYSCAN_SECRET' },
    schedule: { cron: '0 3 * * *' },
    navigator: 'bench',
    pageSize: 500,
    pageConcurrency: 4,
    requestsPerSecond: 100_000,
  };
  writeFileSync(file, JSON.stringify({ store: { sqlitePath }, navigators: [navigator], jobs: [job] }));
  return file;
}

const writes = (c: NavigatorCounters): number => c.create + c.action;

/** (f), the reruns' write calls and (g) on one engine. */
export async function measureNavigator(
  parts: BenchParts,
  engine: string,
  devices: number,
  o: NavigatorBenchOptions,
) {
  const name = `nav-${engine}`;
  const site = await addSiteProcess(parts.emu, { name, seed: 3, devices });
  const nav = await startNavigatorEmulatorProcess(['--write-latency-ms', String(o.writeLatencyMs)]);
  const store = await parts.storeFor(name);
  const dbEnv = {
    TEMPORAL_ADDRESS: parts.temporal,
    DATABASE_URL: store.databaseUrl ?? '',
    BENCH_ALLOYSCAN_SECRET: site.clientSecret,
    BENCH_NAVIGATOR_SECRET: nav.secret,
  };
  const config = writeConfig(parts, name, site, nav, store.sqlitePath, o);
  const worker = await startWorkerProcess(config, dbEnv);
  const counters = () => nav.admin<NavigatorCounters>('GET', '/admin/counters');
  try {
    const f = await parts.cliRun(config, name, dbEnv);
    const fWrites = writes(await counters());
    const bodies = await createBodies(store, name);
    await nav.admin('POST', '/admin/reset-counters');
    const d = await parts.cliRun(config, name, dbEnv);
    const dWrites = writes(await counters());
    const { reaudited } = await parts.emu.admin<{ reaudited: number }>(
      'POST',
      `/admin/sites/${name}/reaudit`,
      { fraction: 0.01 },
    );
    await nav.admin('POST', '/admin/reset-counters');
    const e = await parts.cliRun(config, name, dbEnv);
    const eWrites = writes(await counters());
    await worker.stop();
    const g = await bareCreates(bodies, o);
    return {
      engine,
      devices,
      writeLatencyMs: o.writeLatencyMs,
      concurrency: o.concurrency,
      navigatorImportSeconds: f.seconds,
      navigatorCreates: f.report.navigator?.created ?? 0,
      navigatorImportWrites: fWrites,
      bareCreateSeconds: g.seconds,
      bareCreates: g.creates,
      importPerBare: f.seconds / g.seconds,
      noChangeWriteCalls: d.report.navigator?.writeCalls ?? -1,
      noChangeWritesAtEmulator: dWrites,
      onePercentReaudited: reaudited,
      onePercentWriteCalls: e.report.navigator?.writeCalls ?? -1,
      onePercentWritesAtEmulator: eWrites,
    };
  } finally {
    await worker.stop();
    await nav.stop();
    await store.drop();
  }
}

/** The create bodies of the records the sync created: a link's `mapped` is what its create sent. */
async function createBodies(store: { sqlitePath: string; databaseUrl?: string }, jobId: string) {
  const db = await createSyncStore(
    store.databaseUrl ? { databaseUrl: store.databaseUrl } : { sqlitePath: store.sqlitePath },
  );
  try {
    const links = await db.db
      .selectFrom('navigator_links')
      .select(['kind', 'mapped'])
      .where('job_id', '=', jobId)
      .where('rule', '=', 'created')
      .execute();
    return links.map((l) =>
      JSON.stringify({ ActionId: TEMPLATE[l.kind], Fields: JSON.parse(l.mapped ?? '{}') as unknown }),
    );
  } finally {
    await db.close();
  }
}

/** The Navigator rows, in sync-gap's table (columns: `engines`, in its order). */
export function navigatorRows(engines: string[], figures: NavigatorFigures[]): string[] {
  if (figures.length === 0) return [];
  const f = (n: number, d = 1): string => n.toFixed(d);
  const of = (e: string) => figures.find((x) => x.engine === e);
  const rows: [string, (x: NavigatorFigures) => string][] = [
    [
      `(f) full import into Navigator, s (write latency ${figures[0]!.writeLatencyMs} ms, ${figures[0]!.concurrency} in flight)`,
      (x) => `${f(x.navigatorImportSeconds)} (${x.navigatorCreates} creates)`,
    ],
    ['(g) the same creates bare, s', (x) => `${f(x.bareCreateSeconds)} (${x.bareCreates} creates)`],
    ['f / g', (x) => f(x.importPerBare, 2)],
    [
      'Navigator write calls: no-change rerun',
      (x) => `${x.noChangeWriteCalls} (emulator ${x.noChangeWritesAtEmulator})`,
    ],
    [
      'Navigator write calls: 1 %-changed rerun',
      (x) =>
        `${x.onePercentWriteCalls} (emulator ${x.onePercentWritesAtEmulator}; ${x.onePercentReaudited} reaudited)`,
    ],
  ];
  return rows.map(
    ([label, cell]) =>
      `| ${label} | ${engines
        .map((e) => {
          const x = of(e);
          return x ? cell(x) : '';
        })
        .join(' | ')} |`,
  );
}
