/**
 * A worker killed (SIGKILL) during the missing-flag walk, before any heartbeat with the walk's
 * counts reached the server: the retried attempt starts the walk over. Before, it counted as
 * unseen only the devices still unflagged ("flagged missing 1500, unseen 1100" for 1,500 of
 * 15,000 devices gone), and the killed attempt's lookups were missing from the API calls.
 * Also on a site where pages find devices gone between listing and detail: those are flagged
 * by their page, never unseen.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import Database from 'better-sqlite3';
import type { ChurnOptions } from '../../emulator/churn';
import type { RunReport } from '../../common/sync-types';
import { DETAIL_CONCURRENCY } from '../../activities/page-batch';
import { forceSync, type ForceOptions } from '../../ops/force-sync';
import { startStack, type Stack } from '../helpers/sync-fixture';
import { jobFor, siteName } from '../helpers/sync-harness';
import { spawnWorker } from '../helpers/worker-process';

const DEVICES = 1200;
/** Devices deleted in AlloyScan between the two runs: every fourth (300: two batches of look-ups). */
const GONE_EVERY = 4;

/** Devices of the job its walk flagged, read from the worker's SQLite file. */
function flaggedByWalk(sqlitePath: string, jobId: string): number {
  const db = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  try {
    const q = (t: string): number =>
      (
        db.prepare(`select count(*) as n from ${t} where job_id = ? and missing_by = 'walk'`).get(jobId) as {
          n: number;
        }
      ).n;
    return q('computers') + q('hardware');
  } finally {
    db.close();
  }
}

describe('a worker killed during the missing-flag walk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'walk-crash-'));
  const sqlitePath = join(dir, 'navigator.sqlite');
  const taskQueue = `walk-crash-${Date.now()}`;
  let stack: Stack;
  let worker: ChildProcess | undefined;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    worker?.kill('SIGKILL');
    await stack?.stop();
  });

  const cases: { name: string; seed: number; churn?: ChurnOptions }[] = [
    { name: 'a still site', seed: 23 },
    {
      name: 'a site whose pages find devices gone between listing and detail',
      seed: 29,
      churn: { deleteListedRate: 1 / 30 },
    },
  ];
  for (const c of cases) {
    it(`${c.name}: unseen is every device deleted, API calls what the site served`, async (t) => {
      const site = stack.emulator.addSite({ name: siteName('walk-crash'), devices: DEVICES, seed: c.seed });
      const job = jobFor(site, { pageSize: 100, missingThreshold: 0.9 });
      // Forked after jobFor: the worker process reads the job's secret from its environment.
      worker?.kill('SIGKILL');
      worker = await spawnWorker({ address: stack.env.address, taskQueue, sqlitePath });
      const opts: ForceOptions = { taskQueue, heartbeatTimeout: '30 seconds', full: !!c.churn };
      const first = await forceSync(stack.env.client, job, opts);
      const firstReport = (await stack.env.client.workflow.getHandle(first.workflowId).result()) as RunReport;
      assert.ok(firstReport.verify.ok, firstReport.message);

      const gone = site.deviceIds().filter((_, i) => i % GONE_EVERY === 0);
      site.deleteDevices(gone);
      if (c.churn) site.setChurn(c.churn);
      site.setFaults({ slowRate: 1, slowMs: 100 }); // 300 look-ups, 8 at once: ~4 s of walk
      site.resetStats();
      const { workflowId } = await forceSync(stack.env.client, job, opts);
      const handle = stack.env.client.workflow.getHandle(workflowId);
      const walk = async () =>
        (await handle.describe()).raw.pendingActivities?.find((a) => a.activityType?.name === 'flagMissing');
      const deadline = Date.now() + 180_000;
      // Killed as soon as the walk's first batch of flags is committed: the server has its
      // liveness beat only (the next moved cursor goes out on a 3 s tick).
      while (flaggedByWalk(sqlitePath, job.id) === 0) {
        assert.ok(Date.now() < deadline, 'the walk flagged nothing');
        await new Promise((r) => setTimeout(r, 5));
      }
      worker.kill('SIGKILL');
      const killedAfter = flaggedByWalk(sqlitePath, job.id);
      const pending = await walk();
      const payload = pending?.heartbeatDetails?.payloads?.[0];
      const cursor = payload ? defaultPayloadConverter.fromPayload<{ acc?: unknown }>(payload) : undefined;
      assert.equal(cursor?.acc, undefined, 'killed before a cursor with the walk counts reached the server');
      assert.ok(killedAfter < gone.length, `killed mid-walk (${killedAfter} of ${gone.length} flagged)`);
      worker = await spawnWorker({ address: stack.env.address, taskQueue, sqlitePath });
      site.setFaults({});
      const report = (await handle.result()) as RunReport;
      const log = site.churnLog();
      const served = Object.values(site.stats().requests).reduce((a, b) => a + b, 0);
      assert.deepEqual(
        {
          unseen: report.retire.unseen,
          flaggedByWalk: report.retire.flaggedMissing - (report.retire.flaggedGone ?? 0),
          flaggedGone: report.retire.flaggedGone,
          flaggedMissing: report.retire.flaggedMissing,
          verify: report.verify.ok,
        },
        {
          unseen: gone.length,
          flaggedByWalk: gone.length,
          flaggedGone: log.deleted.length,
          flaggedMissing: gone.length + log.deleted.length,
          verify: true,
        },
        report.message,
      );
      // Each look-up is counted before it goes out: the killed attempt's are all in. A look-up
      // counted but still waiting for the rate budget at the kill never reached the site (at
      // most one per look-up in flight; 8 seen); before, the killed attempt's look-ups were all left out.
      assert.ok(
        report.apiCalls >= served && report.apiCalls <= served + DETAIL_CONCURRENCY,
        `API calls ${report.apiCalls}, the site served ${served}`,
      );
      t.diagnostic(`killed after ${killedAfter} flags; API calls ${report.apiCalls}, served ${served}`);
      if (c.churn) assert.ok(log.deleted.length > 0, 'some devices were deleted between listing and detail');
    });
  }
});
