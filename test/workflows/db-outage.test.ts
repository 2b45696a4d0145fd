import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Client as PgClient } from 'pg';
import { createSyncStore, type SqlSyncStore } from '../../activities/store';
import { forceSync } from '../../ops/force-sync';
import type { RunReport } from '../../common/sync-types';
import { PG_TEST_URL } from '../helpers/stores';
import { startStack, type Stack } from '../helpers/sync-fixture';
import { jobFor, siteName, startTestWorker, waitForPages } from '../helpers/sync-harness';

/** A TCP proxy in front of PostgreSQL whose link the test can cut (an outage) and restore. */
class CuttableProxy {
  private readonly sockets = new Set<Socket>();
  private down = false;
  readonly server: Server;
  constructor(private readonly upstreamPort: number) {
    this.server = createServer((client) => {
      if (this.down) {
        client.destroy();
        return;
      }
      const upstream = createConnection({ host: '127.0.0.1', port: this.upstreamPort });
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }
  listen(): Promise<number> {
    return new Promise((res) =>
      this.server.listen(0, '127.0.0.1', () => res((this.server.address() as { port: number }).port)),
    );
  }
  cut(): void {
    this.down = true;
    for (const s of this.sockets) s.destroy();
  }
  restore(): void {
    this.down = false;
  }
  close(): Promise<void> {
    this.cut();
    return new Promise((res) => this.server.close(() => res()));
  }
}

describe('a database outage mid-run', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack?.stop());
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const upstream = new URL(PG_TEST_URL);
  const proxy = new CuttableProxy(Number(upstream.port || 5432));
  let store: SqlSyncStore;
  before(async () => {
    const port = await proxy.listen();
    const url = new URL(PG_TEST_URL);
    url.hostname = '127.0.0.1';
    url.port = String(port);
    store = await createSyncStore({ databaseUrl: url.toString(), schema });
    await store.migrate();
  });
  after(async () => {
    await store?.close();
    await proxy.close();
    const pg = new PgClient({ connectionString: PG_TEST_URL });
    await pg.connect();
    await pg.query(`drop schema if exists "${schema}" cascade`);
    await pg.end();
  });

  it('is retried as StoreUnavailable and the run still ends with exact counts', async () => {
    const w = await startTestWorker(stack.env, store);
    try {
      const site = stack.emulator.addSite({
        name: siteName('dbdown'),
        devices: 300,
        seed: 41,
        faults: { slowRate: 1, slowMs: 10 },
      });
      const job = jobFor(site, { pageSize: 50, pageConcurrency: 2 });
      const res = await forceSync(stack.env.client, job, { taskQueue: w.taskQueue });
      const handle = stack.env.client.workflow.getHandle(res.workflowId);
      await waitForPages(handle, 1);
      proxy.cut();
      await new Promise((r) => setTimeout(r, 3000));
      proxy.restore();
      const report = (await handle.result()) as RunReport;
      const truth = site.groundTruth();
      assert.equal(report.outcome, 'succeeded');
      assert.equal(report.verify.importedDevices, truth.devices);
      assert.equal(report.verify.storedInstallations, truth.installations);
      assert.equal(report.counts.added, 300);
      assert.ok(report.verify.ok, report.message);
      const history = JSON.stringify(await handle.fetchHistory());
      assert.match(history, /StoreUnavailable/, 'the outage was seen and retried as StoreUnavailable');
    } finally {
      await w.stop();
    }
  });
});
