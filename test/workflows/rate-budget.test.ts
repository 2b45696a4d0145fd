/**
 * A rate that fits the site: a site whose workload limit is N calls/s (429 above it, with
 * Retry-After), a job whose ceiling is 3N. The site counts what it received, per second. Rate
 * figures are checked against the site's counts with margins, never against the wall clock
 * (test/workflows/throughput.test.ts has the reached-rate ratios).
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunReport } from '../../common/sync-types';
import type { EmulatedSite, TrafficReport } from '../../emulator';
import { forceSync } from '../../ops/force-sync';
import { storeEngines } from '../helpers/stores';
import { startStack, startStoreAndWorker, type Stack, type StoreAndWorker } from '../helpers/sync-fixture';
import { jobFor, siteName } from '../helpers/sync-harness';
import { spawnWorker } from '../helpers/worker-process';

// Well below what a loaded 2-core machine sends, so the site's limit, not our CPU, is what binds.
const N = 100;
const [sqlite] = storeEngines();

/** Calls the site received in each second after the first `skip` seconds of traffic. */
function busySeconds(traffic: TrafficReport, skip: number): number[] {
  return traffic.seconds.slice(skip).map((s) => s.received);
}

function siteWithLimit(stack: Stack, prefix: string): EmulatedSite {
  const site = stack.emulator.addSite({ name: siteName(prefix), seed: 21, devices: 1000, catalogSize: 80 });
  site.setWorkloadLimit({ perSecond: N });
  return site;
}

describe('a job ceiling of 3N on a site that allows N calls a second', () => {
  let stack: Stack;
  let f: StoreAndWorker;
  before(async () => {
    stack = await startStack();
    f = await startStoreAndWorker(stack, sqlite!);
  });
  after(async () => {
    await f?.stop();
    await stack?.stop();
  });

  it('finishes exact, keeps to N after the first seconds, and reports what the site saw', async () => {
    const site = siteWithLimit(stack, 'limited');
    const job = jobFor(site, { requestsPerSecond: 3 * N, pageSize: 250, pageConcurrency: 4 });
    site.resetTraffic();
    const report = await f.run(job);
    const truth = site.groundTruth({ trackedGroups: report.trackedGroups });
    assert.deepEqual(
      {
        verify: report.verify.ok,
        imported: report.verify.importedDevices,
        installations: report.verify.storedInstallations,
      },
      { verify: true, imported: truth.devices, installations: truth.installations },
    );
    const traffic = site.traffic();
    console.log(
      `rate: ${JSON.stringify(report.rate)}; calls/s at the site: ${JSON.stringify(busySeconds(traffic, 0))}`,
    );
    assert.ok(traffic.totals.rejected429 > 0, 'the site did push back');
    const seconds = busySeconds(traffic, 5);
    assert.ok(Math.max(...seconds) <= N * 1.2, `calls per second at the site: ${JSON.stringify(seconds)}`);
    // Every 429 the pages met, failed attempts included, is in the report (authenticate and
    // the catalog step send a handful of calls, far below the limit).
    assert.equal(report.rate?.throttled, traffic.totals.rejected429, "the report's 429s are the site's");
    // `budget`: where the job's next run starts, never above the rate the site last refused.
    const { reached = 0, budget = 0 } = report.rate ?? {};
    assert.ok(budget <= N * 1.5, `learned a budget of ${budget} calls/s for a limit of ${N}`);
    assert.ok(reached <= N * 1.2, `reached ${reached} calls/s against a limit of ${N}`);
  });

  it('keeps to N with the run on two worker processes (the site counts, not our code)', async () => {
    const site = siteWithLimit(stack, 'limited-two');
    const job = jobFor(site, { requestsPerSecond: 3 * N, pageSize: 250, pageConcurrency: 4 });
    const taskQueue = `two-workers-${Date.now()}`;
    const dir = mkdtempSync(join(tmpdir(), 'two-workers-'));
    const workers: ChildProcess[] = [];
    try {
      for (let i = 0; i < 2; i++)
        workers.push(
          await spawnWorker({
            address: stack.env.address,
            taskQueue,
            sqlitePath: join(dir, `navigator.sqlite`),
          }),
        );
      site.resetTraffic();
      const started = await forceSync(stack.env.client, job, { taskQueue });
      const report = (await stack.env.client.workflow.getHandle(started.workflowId).result()) as RunReport;
      assert.ok(report.verify.ok, report.message);
      const history = await stack.env.client.workflow.getHandle(started.workflowId).fetchHistory();
      const identities = new Set(
        (history.events ?? []).flatMap((e) =>
          e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.identity] : [],
        ),
      );
      assert.equal(identities.size, 2, 'both workers ran activities');
      const seconds = busySeconds(site.traffic(), 5);
      assert.ok(Math.max(...seconds) <= N * 1.2, `calls per second at the site: ${JSON.stringify(seconds)}`);
    } finally {
      for (const w of workers) w.kill('SIGTERM');
    }
  });
});
