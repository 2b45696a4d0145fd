import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createSyncStore, type SqlSyncStore } from '../../activities/store';
import { forceSync } from '../../ops/force-sync';
import type { RunReport } from '../../common/sync-types';
import { startEmulator, type Emulator } from '../../emulator';
import { createSyncWorker } from '../../worker/create-worker';
import { startDevServer, type DevServer } from '../../scripts/dev-server';
import { freePort, runCli } from '../helpers/processes';
import { jobFor, siteName, waitForPages } from '../helpers/sync-harness';
import { workflowBundle } from '../helpers/temporal-env';

async function retrying<T>(fn: () => Promise<T>, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

describe('a Temporal server restart mid-run', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'restart-'));
  let emulator: Emulator;
  let store: SqlSyncStore;
  let server: DevServer;
  let port: number;
  let uiPort: number;
  before(async () => {
    [port, uiPort] = [await freePort(), await freePort()];
    server = await startDevServer({ port, uiPort, dataDir });
    emulator = await startEmulator({ port: 0 });
    store = await createSyncStore({ sqlitePath: join(dataDir, 'navigator.sqlite') });
    await store.migrate();
  });
  after(async () => {
    await store?.close();
    await emulator?.close();
    await server?.stop();
  });

  it('loses no progress: the run finishes with exact counts after the server (file database) comes back', async () => {
    const site = emulator.addSite({
      name: siteName('restart'),
      devices: 400,
      seed: 31,
      faults: { slowRate: 1, slowMs: 15 },
    });
    const job = jobFor(site, { pageSize: 50, pageConcurrency: 2 });
    const address = server.address;
    const nativeConnection = await NativeConnection.connect({ address });
    const worker = await createSyncWorker({
      connection: nativeConnection,
      namespace: 'default',
      store,
      taskQueue: 'restart',
      workflowBundle: await workflowBundle(),
    });
    const running = worker.run();
    const client = new Client({ connection: await Connection.connect({ address }) });
    try {
      const res = await forceSync(client, job, { taskQueue: 'restart' });
      const handle = client.workflow.getHandle(res.workflowId);
      await waitForPages(handle, 2);
      await server.stop();
      await new Promise((r) => setTimeout(r, 1000));
      server = await startDevServer({ port, uiPort, dataDir });
      const report = await retrying(() => handle.result() as Promise<RunReport>);
      const truth = site.groundTruth();
      assert.equal(report.outcome, 'succeeded');
      assert.equal(report.verify.importedDevices, truth.devices);
      assert.equal(report.verify.storedInstallations, truth.installations);
      assert.equal(report.counts.added, 400, 'every device counted once as added, across the outage');
      assert.ok(report.verify.ok, report.message);
    } finally {
      worker.shutdown();
      await running;
      await client.connection.close();
      await nativeConnection.close();
    }
  });

  it('force --wait follows the run through the restart: it says it reconnects, then prints the report, exit 0', async () => {
    const site = emulator.addSite({
      name: siteName('restart-cli'),
      devices: 400,
      seed: 32,
      faults: { slowRate: 1, slowMs: 15 },
    });
    const job = jobFor(site, { pageSize: 50, pageConcurrency: 2 });
    const config = join(dataDir, 'cli-config.json');
    writeFileSync(
      config,
      JSON.stringify({
        store: { sqlitePath: join(dataDir, 'navigator.sqlite') },
        jobs: [{ ...job, schedule: job.schedule, importSoftware: 'all' }],
      }),
    );
    const address = server.address;
    const nativeConnection = await NativeConnection.connect({ address });
    const worker = await createSyncWorker({
      connection: nativeConnection,
      namespace: 'default',
      store,
      workflowBundle: await workflowBundle(),
    });
    const running = worker.run();
    const client = new Client({ connection: await Connection.connect({ address }) });
    try {
      const cli = runCli(['--config', config, 'force', job.id, '--wait'], { TEMPORAL_ADDRESS: address });
      const workflowId = await retrying(async () => {
        const [run] = await runningIds(client, job.id);
        if (!run) throw new Error('not started yet');
        return run;
      }, 30_000);
      await waitForPages(client.workflow.getHandle(workflowId), 2);
      await server.stop();
      // Longer than the client's own gRPC retries (10 attempts, ~20 s): the follower sees the outage.
      await new Promise((r) => setTimeout(r, 25_000));
      server = await startDevServer({ port, uiPort, dataDir });
      const out = await cli;
      assert.equal(out.code, 0, `${out.stdout}\n${out.stderr}`);
      assert.match(out.stderr, /reconnecting to Temporal/);
      assert.match(out.stdout, /succeeded in/);
      assert.match(out.stdout, /verify: source 400 devices .* OK/);
      assert.doesNotMatch(out.stdout, /FAILED/);
    } finally {
      worker.shutdown();
      await running;
      await client.connection.close();
      await nativeConnection.close();
    }
  });
});

/** Workflow ids of the job's running runs (visibility). */
async function runningIds(client: Client, jobId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of client.workflow.list({
    query: `JobId = '${jobId}' AND ExecutionStatus = 'Running'`,
  }))
    ids.push(wf.workflowId);
  return ids;
}
