/**
 * Sync throughput, end to end on the real parts: the dev server, the emulator over HTTP, a
 * SQLite (or PostgreSQL with DATABASE_URL) store and a worker, all on this machine.
 * Prints figures and ratios; asserts nothing (timings here are noisy).
 *   node dist/bench/sync-throughput.js [--devices 20000] [--page 500] [--concurrency 2]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createNavigatorStore } from '../activities/navigator';
import { forceSync } from '../ops/force-sync';
import type { RunReport } from '../common/sync-types';
import { startEmulator } from '../emulator';
import { jobFor, startTestWorker } from '../test/helpers/sync-harness';
import { createTestEnv } from '../test/helpers/temporal-env';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      devices: { type: 'string', default: '20000' },
      page: { type: 'string', default: '500' },
      concurrency: { type: 'string', default: '2' },
    },
  });
  const devices = Number(values.devices);
  const env = await createTestEnv();
  const emulator = await startEmulator({ port: 0 });
  const store = await createNavigatorStore({
    databaseUrl: process.env.DATABASE_URL,
    sqlitePath: join(mkdtempSync(join(tmpdir(), 'bench-sync-')), 'navigator.sqlite'),
  });
  await store.migrate();
  const w = await startTestWorker(env, store);
  const site = emulator.addSite({ name: 'bench', seed: 3, devices });
  const job = jobFor(site, {
    pageSize: Number(values.page),
    pageConcurrency: Number(values.concurrency),
    requestsPerSecond: 1000,
  });
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
  const timed = async (label: string, full: boolean): Promise<number> => {
    const t0 = performance.now();
    const res = await forceSync(env.client, job, { taskQueue: w.taskQueue, full });
    const r = (await env.client.workflow.getHandle(res.workflowId).result()) as RunReport;
    const s = (performance.now() - t0) / 1000;
    console.log(
      `${label}: ${s.toFixed(1)} s, ${(devices / s).toFixed(0)} devices/s, ${(r.apiCalls / s).toFixed(0)} API calls/s, ` +
        `${r.verify.storedInstallations} installations, verify ${r.verify.ok ? 'OK' : 'MISMATCH'}, pages ${r.pages}`,
    );
    return s;
  };
  try {
    console.log(
      `store ${store.engine}, ${devices} devices, page ${values.page}, ${values.concurrency} pages at once`,
    );
    const first = await timed('first (full) run', false);
    site.reaudit(site.deviceIds().filter((_, i) => i % 100 === 0));
    const changed = await timed('changed-only run after 1% re-audited', false);
    console.log(`ratio changed-only / full: ${(changed / first).toFixed(3)}`);
    console.log(
      `peak RSS of this process (worker + emulator + client): ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
    );
  } finally {
    clearInterval(sampler);
    await w.stop();
    await store.close();
    await emulator.close();
    await env.teardown();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
