/**
 * The worker's Prometheus metrics, scraped after a run of a known emulator site and checked
 * against the run's report: the sync counters are the report's own figures.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { RunReport } from '../../common/sync-types';
import { startEmulator, type Emulator } from '../../emulator';
import { freePort, runCli, startWorkerProcess, type Child } from '../helpers/processes';
import { createTestEnv } from '../helpers/temporal-env';

/** Prometheus text → value of each series `name{labels}` (labels in the order served). */
function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(\{[^}]*\})? ([-\d.e+]+)$/.exec(line);
    if (m) out.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return out;
}

/** The sum over every series of `name` whose labels include all of `labels`. */
function sum(metrics: Map<string, number>, name: string, labels: Record<string, string>): number {
  let total = 0;
  for (const [series, value] of metrics) {
    if (!series.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => series.includes(`${k}="${v}"`))) total += value;
  }
  return total;
}

describe('worker metrics', () => {
  let env: TestWorkflowEnvironment;
  let emulator: Emulator;
  let worker: Child;
  let port: number;
  let config: string;
  const job = 'metrics-demo';

  before(async () => {
    env = await createTestEnv();
    emulator = await startEmulator({ port: 0 });
    const site = emulator.addSite({
      name: job,
      devices: 120,
      seed: 12,
      faults: { seed: 3, malformedRate: 0.03 },
    });
    const reg = site.createRegistration();
    process.env.METRICS_TEST_SECRET = reg.clientSecret;
    const dir = mkdtempSync(join(tmpdir(), 'metrics-'));
    config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        store: { sqlitePath: join(dir, 'navigator.sqlite') },
        jobs: [
          {
            id: job,
            enabled: false,
            siteUrl: site.url,
            clientId: reg.clientId,
            clientSecret: { env: 'METRICS_TEST_SECRET' },
            schedule: { cron: '0 3 * * *' },
            pageSize: 50,
            requestsPerSecond: 1000,
          },
        ],
      }),
    );
    port = await freePort();
    worker = await startWorkerProcess(
      config,
      { TEMPORAL_ADDRESS: env.address },
      {
        args: ['--metrics', `127.0.0.1:${port}`],
      },
    );
  });
  after(async () => {
    await worker?.stop();
    await emulator?.close();
    await env?.teardown();
  });

  it('serves the SDK worker metrics and sync counters that equal the run report', async () => {
    const run = await runCli(['--config', config, 'runs', job, '--json', '-n', '1'], {
      TEMPORAL_ADDRESS: env.address,
    });
    assert.equal(run.code, 0, run.stderr);
    const forced = await runCli(['--config', config, 'force', job, '--wait'], {
      TEMPORAL_ADDRESS: env.address,
    });
    assert.equal(forced.code, 0, `${forced.stdout}\n${forced.stderr}`);
    const last = await runCli(['--config', config, 'runs', job, '--json', '-n', '1'], {
      TEMPORAL_ADDRESS: env.address,
    });
    const [report] = JSON.parse(last.stdout) as RunReport[];
    assert.ok(report && report.quarantined > 0, 'the site had malformed records to quarantine');

    const metrics = parseMetrics(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
    const c = report.counts;
    const labels = { job };
    assert.deepEqual(
      {
        runs: sum(metrics, 'alloyscan_sync_runs_total', { ...labels, outcome: 'succeeded' }),
        added: sum(metrics, 'alloyscan_sync_devices_total', { ...labels, change: 'added' }),
        listed: sum(metrics, 'alloyscan_sync_devices_total', { ...labels, change: 'listed' }),
        installationsAdded: sum(metrics, 'alloyscan_sync_installations_total', {
          ...labels,
          change: 'added',
        }),
        quarantined: sum(metrics, 'alloyscan_sync_quarantined_records_total', labels),
        apiCalls: sum(metrics, 'alloyscan_sync_api_calls_total', labels),
        tokenRequests: sum(metrics, 'alloyscan_sync_token_requests_total', labels),
        verifyOk: sum(metrics, 'alloyscan_sync_verify_ok', labels),
      },
      {
        runs: 1,
        added: c.added,
        listed: c.listed,
        installationsAdded: c.installationsAdded,
        quarantined: report.quarantined,
        apiCalls: report.apiCalls,
        tokenRequests: 1,
        verifyOk: 1,
      },
    );
    assert.equal(
      sum(metrics, 'alloyscan_sync_last_success_time', labels),
      Date.parse(report.finishedAt) / 1000,
    );
    assert.ok(
      [...metrics.keys()].some((k) => k.startsWith('temporal_worker_task_slots_available')),
      'SDK metrics too',
    );
  });
});
