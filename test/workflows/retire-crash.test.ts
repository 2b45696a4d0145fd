/**
 * A worker killed (SIGKILL) during the retire write-back: the report, the verify step and the
 * exit code must be as exact as the store. Before, the write-back counts resumed from the last
 * heartbeat the server had: "deleted 2468 (+1 already gone)" for 2,500 deletes, and a verify
 * mismatch that derived the source total from that counter. The API calls too: those of the
 * killed attempt after its last heartbeat the server had were lost.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSyncStore, type SqlSyncStore } from '../../activities/store';
import type { RunReport } from '../../common/sync-types';
import { DETAIL_CONCURRENCY } from '../../activities/page-batch';
import { forceSync } from '../../ops/force-sync';
import { startStack, type Stack } from '../helpers/sync-fixture';
import { jobFor, siteName } from '../helpers/sync-harness';
import { spawnWorker } from '../helpers/worker-process';

describe('a worker killed during the retire write-back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'retire-crash-'));
  const sqlitePath = join(dir, 'navigator.sqlite');
  const taskQueue = `retire-crash-${Date.now()}`;
  let stack: Stack;
  let store: SqlSyncStore;
  let worker: ChildProcess | undefined;
  before(async () => {
    stack = await startStack();
    store = await createSyncStore({ sqlitePath });
    await store.migrate();
  });
  after(async () => {
    worker?.kill('SIGKILL');
    await store?.close();
    await stack?.stop();
  });

  const run = async (
    job: Parameters<typeof forceSync>[1],
  ): Promise<{ id: string; report: Promise<RunReport> }> => {
    const res = await forceSync(stack.env.client, job, { taskQueue, heartbeatTimeout: '3 seconds' });
    const report = stack.env.client.workflow.getHandle(res.workflowId).result() as Promise<RunReport>;
    return { id: res.workflowId, report };
  };

  it('reports every delete once and verifies OK after the crash and the retry', async (t) => {
    const retired = 120;
    const site = stack.emulator.addSite({ name: siteName('retire-crash'), devices: 400, seed: 17 });
    const job = jobFor(site, { onRetire: 'delete', pageSize: 100 });
    // Forked after jobFor: the worker process reads the job's secret from its environment.
    worker = await spawnWorker({ address: stack.env.address, taskQueue, sqlitePath });
    assert.ok((await (await run(job)).report).verify.ok);
    for (const id of site.deviceIds({ limit: retired })) {
      const rec = await store.findRecord(job.id, id);
      await store.retire(rec!.kind, String(rec!.recordId), new Date().toISOString());
    }
    site.setFaults({ slowRate: 1, slowMs: 100 }); // each call takes 100 ms: time to kill mid-way
    site.resetStats();
    const started = await run(job);
    const deletes = (): number => site.stats().requests['devices.delete'] ?? 0;
    const deadline = Date.now() + 120_000;
    while (deletes() < retired / 4) {
      if (Date.now() > deadline) throw new Error('the write-back did not start');
      await new Promise((r) => setTimeout(r, 20));
    }
    worker.kill('SIGKILL');
    const killedAt = deletes();
    assert.ok(killedAt < retired, `killed mid-way (${killedAt} of ${retired} deletes sent)`);
    worker = await spawnWorker({ address: stack.env.address, taskQueue, sqlitePath });
    site.setFaults({});
    const report = await started.report;
    const served = Object.values(site.stats().requests).reduce((a, b) => a + b, 0);
    t.diagnostic(`killed at ${killedAt} deletes; API calls ${report.apiCalls}, served ${served}`);
    // Each DELETE is counted in the store with its intent, before it goes out: the killed
    // attempt's are all in (before, those after its last heartbeat were lost). One counted but
    // still waiting for the rate budget at the kill never reached the site: at most one per delete in flight.
    assert.ok(
      report.apiCalls >= served && report.apiCalls <= served + DETAIL_CONCURRENCY,
      `API calls ${report.apiCalls}, the site served ${served} (${site.stats().requests['devices.delete']} deletes)`,
    );
    assert.deepEqual(
      {
        deleted: report.retire.writeBackDeleted,
        alreadyGone: report.retire.writeBackAlreadyGone,
        source: report.verify.sourceDevices,
        verify: report.verify.ok,
        onSite: site.deviceCount(),
      },
      { deleted: retired, alreadyGone: 0, source: 400 - retired, verify: true, onSite: 400 - retired },
      report.message,
    );
  });
});
