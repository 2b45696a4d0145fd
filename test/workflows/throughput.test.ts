/**
 * Real-site throughput (issue 18), measured at the site: a site that caps its pages, one whose
 * 429s come at random whatever the rate, and one with a per-second workload limit, each
 * counted by the emulator's own traffic meter and fault counters, not by our code.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { temporal } from '@temporalio/proto';
import type { RunReport, SyncJobConfig } from '../../common/sync-types';
import type { EmulatedSite, TrafficReport } from '../../emulator';
import { forceSync } from '../../ops/force-sync';
import { storeEngines } from '../helpers/stores';
import { startStack, startStoreAndWorker, type Stack, type StoreAndWorker } from '../helpers/sync-fixture';
import { jobFor, siteName } from '../helpers/sync-harness';

const [sqlite] = storeEngines();

/** Calls the site received per second, from the first second with traffic to the last. */
function perSecond(traffic: TrafficReport): number[] {
  const s = traffic.seconds;
  if (!s.length) return [];
  const first = s[0]!.at;
  const out = new Array<number>(s.at(-1)!.at - first + 1).fill(0);
  for (const x of s) out[x.at - first] = x.received;
  return out;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** 429s the site answered: its workload limit's and its injected faults'. */
function site429s(site: EmulatedSite): number {
  return site.traffic().totals.rejected429 + (site.stats().faultsInjected['429'] ?? 0);
}

/** The share of the pass (page 0's end to the last page's) with at least `n` page activities in flight. */
function shareWithAtLeast(history: temporal.api.history.v1.IHistory, n: number): number {
  const ms = (e: temporal.api.history.v1.IHistoryEvent): number => {
    const t = e.eventTime;
    return (t?.seconds ? Number(t.seconds.toString()) : 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);
  };
  const scheduled = new Map<string, number>();
  const spans: [number, number][] = [];
  for (const e of history.events ?? []) {
    const a = e.activityTaskScheduledEventAttributes;
    if (a?.activityType?.name === 'processDevicePage') scheduled.set(String(e.eventId), ms(e));
    const done = e.activityTaskCompletedEventAttributes;
    const from = done ? scheduled.get(String(done.scheduledEventId)) : undefined;
    if (from !== undefined) spans.push([from, ms(e)]);
  }
  const start = spans[0]![1];
  const end = Math.max(...spans.map(([, e]) => e));
  // Sweep the page starts and ends in time order.
  const edges = spans.flatMap(([s, e]) => [
    [Math.max(s, start), 1],
    [Math.max(e, start), -1],
  ]);
  edges.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let inFlight = 0;
  let busy = 0;
  let last = start;
  for (const [t, d] of edges) {
    if (inFlight >= n) busy += t! - last;
    inFlight += d!;
    last = t!;
  }
  return busy / Math.max(1, end - start);
}

describe('throughput on real-site shapes, counted at the site', () => {
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

  async function run(job: SyncJobConfig, full = false): Promise<{ report: RunReport; workflowId: string }> {
    const started = await forceSync(stack.env.client, job, { taskQueue: f.taskQueue, full });
    return { report: await f.result(started.workflowId), workflowId: started.workflowId };
  }

  it('(i) a site capping pages at 37: the rest is read in pages of 37, pageConcurrency at once', async () => {
    const site = stack.emulator.addSite({ name: siteName('capped'), seed: 5, devices: 500, maxPageSize: 37 });
    const job = jobFor(site, { requestsPerSecond: 400, pageSize: 500, pageConcurrency: 4 });
    site.resetStats();
    const { report, workflowId } = await run(job);
    const truth = site.groundTruth({ trackedGroups: report.trackedGroups });
    assert.deepEqual(
      {
        ok: report.verify.ok,
        imported: report.verify.importedDevices,
        pages: report.pages,
        sitePageSize: report.sitePageSize,
        // The site's own count: one list call of authenticate, then 14 pages.
        listCalls: site.stats().requests['devices.list'],
      },
      { ok: true, imported: truth.devices, pages: 14, sitePageSize: 37, listCalls: 15 },
    );
    const history = await stack.env.client.workflow.getHandle(workflowId).fetchHistory();
    const share = shareWithAtLeast(history, 3);
    console.log(`(i) share of the pass with ≥ 3 pages in flight: ${share.toFixed(2)}; ${report.message}`);
    assert.ok(share >= 0.5, `at least three pages in flight ${(share * 100).toFixed(0)} % of the pass`);
  });

  it("a page left running alone uses the job's whole rate, and the job never more", async () => {
    // Page 0 has 100 devices (200 calls), page 1 ten (20 calls): after two seconds page 0 runs alone.
    const site = stack.emulator.addSite({ name: siteName('lone'), seed: 3, devices: 110, catalogSize: 80 });
    const job = jobFor(site, { requestsPerSecond: 20, pageSize: 100, pageConcurrency: 2 });
    site.resetTraffic();
    const { report } = await run(job);
    assert.ok(report.verify.ok, report.message);
    const seconds = perSecond(site.traffic());
    console.log(`lone page: site calls/s ${JSON.stringify(seconds)}`);
    // At a fixed half share the lone page would send 10 calls a second.
    const alone = seconds.slice(4, -1);
    assert.ok(median(alone) >= 16, `median ${median(alone)} calls/s with page 0 alone`);
    assert.ok(Math.max(...seconds) <= 20 * 1.2, `calls per second ${JSON.stringify(seconds)}`);
  });

  it('(ii, v) one call in 23 answered 429 at any rate, job at its defaults: 0.8 × 20/s reached, every 429 reported', async () => {
    // Fault seed 7: the first API calls (authenticate, catalog) draw no 429, so every 429 is a page's.
    const site = stack.emulator.addSite({
      name: siteName('noisy'),
      seed: 7,
      devices: 300,
      catalogSize: 80,
      maxPageSize: 37,
      tokenTtlSeconds: 4,
      faults: { seed: 7, rate429: 1 / 23 },
    });
    const job = jobFor(site, { requestsPerSecond: 20, pageSize: 500, pageConcurrency: 2 });
    site.resetTraffic();
    site.resetStats();
    const { report } = await run(job);
    assert.ok(report.verify.ok, report.message);
    const seconds = perSecond(site.traffic());
    const interior = seconds.slice(1, -1);
    const siteRate = seconds.reduce((a, b) => a + b, 0) / seconds.length;
    console.log(`(ii) rate ${JSON.stringify(report.rate)}; site calls/s ${JSON.stringify(seconds)}`);
    assert.ok(median(interior) >= 0.8 * 20, `median ${median(interior)} calls/s at the site`);
    assert.ok(site429s(site) > 10, 'the site did answer 429s');
    assert.equal(report.rate?.throttled, site429s(site), "the report's 429s are the site's");
    const reached = report.rate?.reached ?? 0;
    assert.ok(reached <= 20, `reached ${reached}, never above the ceiling`);
    assert.ok(
      Math.abs(reached - siteRate) <= 0.1 * siteRate,
      `reached ${reached} vs ${siteRate} at the site`,
    );
  });

  it('(iii, v) a per-second limit N, job at 3N: N reached and kept, across retried attempts and in a second run', async () => {
    const N = 100;
    const site = stack.emulator.addSite({
      name: siteName('limited'),
      seed: 9,
      devices: 1000,
      catalogSize: 80,
      faults: { seed: 9, rate5xx: 0.01 },
    });
    site.setWorkloadLimit({ perSecond: N });
    const job = jobFor(site, { requestsPerSecond: 3 * N, pageSize: 100, pageConcurrency: 4 });
    for (const [i, skip] of [
      [1, 5],
      [2, 2],
    ] as const) {
      site.resetTraffic();
      site.resetStats();
      const { report } = await run(job, true);
      assert.ok(report.verify.ok, report.message);
      const seconds = perSecond(site.traffic());
      console.log(
        `(iii) run ${i}: rate ${JSON.stringify(report.rate)}; site calls/s ${JSON.stringify(seconds)}`,
      );
      const settled = seconds.slice(skip);
      assert.ok(Math.max(...settled) <= 1.2 * N, `run ${i}: calls per second ${JSON.stringify(seconds)}`);
      assert.ok(median(settled.slice(0, -1)) >= 0.8 * N, `run ${i}: median ${median(settled)} calls/s`);
      assert.ok((site.stats().faultsInjected['5xx'] ?? 0) > 0, 'pages were retried');
      assert.equal(report.rate?.throttled, site429s(site), `run ${i}: the report's 429s are the site's`);
    }
  });

  it('(iv) a per-minute limit M with Retry-After: each minute uses its quota, the run finishes', async () => {
    const M = 240;
    const site = stack.emulator.addSite({
      name: siteName('per-minute'),
      seed: 11,
      devices: 220,
      catalogSize: 80,
    });
    site.setWorkloadLimit({ perMinute: M });
    const job = jobFor(site, { requestsPerSecond: 40, pageSize: 50, pageConcurrency: 4 });
    // Start early in a wall-clock minute, so the first one has the time to use its quota.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 30_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));
    site.resetTraffic();
    const { report } = await run(job);
    assert.ok(report.verify.ok, report.message);
    const perMinute = new Map<number, number>();
    for (const x of site.traffic().seconds)
      perMinute.set(Math.floor(x.at / 60), (perMinute.get(Math.floor(x.at / 60)) ?? 0) + x.admitted);
    const minutes = [...perMinute.values()];
    console.log(`(iv) rate ${JSON.stringify(report.rate)}; admitted per minute ${JSON.stringify(minutes)}`);
    assert.ok(minutes.length >= 2, 'the limit made the run span minutes');
    for (const m of minutes.slice(0, -1))
      assert.ok(m >= 0.8 * M, `admitted per minute ${JSON.stringify(minutes)}`);
    assert.equal(report.rate?.throttled, site429s(site), "the report's 429s are the site's");
  });
});
