/**
 * Several workers, as users run them when one machine is not enough: the real Temporal server
 * on PostgreSQL (scripts/temporal-postgres.sh, built from its Go module), three worker
 * processes on one task queue, the store in a fresh PostgreSQL database, the emulator in its
 * own process counting what the site received. One worker is killed mid-run.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { createSyncStore, type SqlSyncStore } from '../../activities/store';
import type { RunReport, SyncJobConfig } from '../../common/sync-types';
import { parseConfig } from '../../ops/config';
import { forceSync } from '../../ops/force-sync';
import {
  addSiteProcess,
  freshDatabase,
  startEmulatorProcess,
  startWorkerProcess,
  type Child,
  type EmulatorProcess,
} from '../helpers/processes';
import { waitForPages } from '../helpers/sync-harness';

const SCRIPT = resolve(__dirname, '../../../scripts/temporal-postgres.sh');
const run = promisify(execFile);

interface Traffic {
  seconds: { at: number; received: number }[];
}

/**
 * The PostgreSQL-backed server: started here unless it already runs (then left running). One
 * started here has databases of its own, dropped afterwards (`reset`): the test leaves no
 * alloyscan_temporal* database behind and never touches a developer's.
 */
async function temporalOnPostgres(): Promise<{ address: string; stop(): Promise<void> }> {
  const running = await run('bash', [SCRIPT, 'status']).then(
    (r) => r.stdout.trim(),
    () => undefined,
  );
  if (running) return { address: running, stop: () => Promise.resolve() };
  const suffix = randomBytes(4).toString('hex');
  const env = {
    ...process.env,
    TEMPORAL_PG_DB: `alloyscan_temporal_test_${suffix}`,
    TEMPORAL_PG_VISIBILITY_DB: `alloyscan_temporal_test_${suffix}_visibility`,
  };
  // Said, not silent: on a cold Go cache the server builds for minutes before it starts.
  console.log('# starting the PostgreSQL-backed Temporal server (a first start builds it: minutes)…');
  const t0 = Date.now();
  const started = await run('bash', [SCRIPT, 'start'], { env, maxBuffer: 64 * 1024 * 1024 });
  console.log(`# PostgreSQL-backed Temporal ready in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const address = started.stdout.trim().split('\n').pop()!;
  return { address, stop: () => run('bash', [SCRIPT, 'reset'], { env }).then(() => undefined) };
}

describe('three workers on a PostgreSQL-backed Temporal, one killed mid-run', () => {
  const devices = 2400;
  const rate = 400;
  const jobId = `multi-${Date.now().toString(36)}`;
  let temporal: { address: string; stop(): Promise<void> };
  let client: Client;
  let emulator: EmulatorProcess;
  let db: { url: string; drop(): Promise<void> };
  let store: SqlSyncStore;
  let workers: Child[] = [];
  let job: SyncJobConfig;

  before(async () => {
    temporal = await temporalOnPostgres();
    client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
    emulator = await startEmulatorProcess();
    db = await freshDatabase('multi_worker');
    const site = await addSiteProcess(emulator, { name: jobId, seed: 4, devices });
    process.env.MULTI_WORKER_SECRET = site.clientSecret;
    const raw = {
      jobs: [
        {
          id: jobId,
          enabled: false,
          siteUrl: site.siteUrl,
          clientId: site.clientId,
          clientSecret: { env: 'MULTI_WORKER_SECRET' },
          schedule: { cron: '0 3 * * *' },
          pageSize: 100,
          pageConcurrency: 6,
          requestsPerSecond: rate,
        },
      ],
    };
    const config = join(mkdtempSync(join(tmpdir(), 'multi-worker-')), 'config.json');
    writeFileSync(config, JSON.stringify(raw));
    job = parseConfig(raw, config, {}).jobs[0]!;
    const env = { TEMPORAL_ADDRESS: temporal.address, DATABASE_URL: db.url };
    workers = await Promise.all([1, 2, 3].map(() => startWorkerProcess(config, env)));
    store = await createSyncStore({ databaseUrl: db.url });
  });
  after(async () => {
    for (const w of workers) await w.stop();
    await store?.close();
    await db?.drop();
    await emulator?.stop();
    await client?.connection.close();
    await temporal?.stop();
  });

  it('spreads pages over the workers, ends exact with no duplicates, and holds the site budget', async () => {
    await emulator.admin('DELETE', `/admin/sites/${jobId}/traffic`);
    const started = await forceSync(client, job, { heartbeatTimeout: '5 seconds' });
    const handle = client.workflow.getHandle(started.workflowId);
    await waitForPages(handle, 4, 120_000);
    const killed = workers[0]!;
    await killed.stop('SIGKILL');
    const report = (await handle.result()) as RunReport;

    const truth = await emulator.admin<{ devices: number; installations: number }>(
      'GET',
      `/admin/sites/${jobId}/ground-truth?trackedGroups=${report.trackedGroups.join(',')}`,
    );
    const counts = await store.counts(jobId);
    assert.deepEqual(
      {
        verify: report.verify.ok,
        stored: counts.liveDevices,
        installations: counts.installations,
        added: report.counts.added,
      },
      { verify: true, stored: devices, installations: truth.installations, added: devices },
    );
    const rows = await store.listRecords('computer', jobId);
    const hardware = await store.listRecords('hardware', jobId);
    const ids = [...rows, ...hardware].map((r) => r.sourceId);
    assert.equal(new Set(ids).size, ids.length, 'no device twice');

    const history = await handle.fetchHistory();
    const identities = new Set(
      (history.events ?? [])
        .filter((e) => e.activityTaskStartedEventAttributes)
        .map((e) => e.activityTaskStartedEventAttributes!.identity),
    );
    assert.ok(
      identities.size >= 2,
      `pages ran on ${identities.size} worker(s): ${[...identities].join(', ')}`,
    );

    const traffic = await emulator.admin<Traffic>('GET', `/admin/sites/${jobId}/traffic`);
    const busiest = Math.max(...traffic.seconds.map((s) => s.received));
    assert.ok(busiest <= rate * 1.2, `the site received ${busiest} calls in one second (budget ${rate}/s)`);
  });
});
