/**
 * PostgreSQL where users go when one machine is not enough: a first import into a freshly
 * created database (no statistics: a production server may not have analysed tables a first
 * import filled minutes ago; autovacuum is off on this machine), pages four at once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { createSyncStore, type SqlSyncStore } from '../../activities/store';
import type { SyncStore } from '../../activities/store/store-types';
import { forceSync } from '../../ops/force-sync';
import type { RunReport } from '../../common/sync-types';
import { freshDatabase } from '../helpers/processes';
import { startStack, type Stack } from '../helpers/sync-fixture';
import { jobFor, siteName, startTestWorker, type RunningTestWorker } from '../helpers/sync-harness';

/** The store, with every error a call of it raised counted by SQLSTATE (40P01: deadlock). */
function countingErrors(store: SqlSyncStore): { store: SyncStore; errors: Map<string, number> } {
  const errors = new Map<string, number>();
  const counted = new Proxy(store, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      const method = value as (...a: unknown[]) => Promise<unknown>;
      return async (...args: unknown[]): Promise<unknown> => {
        try {
          return await method.apply(target, args);
        } catch (err) {
          const code = (err as { code?: unknown }).code;
          const key = typeof code === 'string' ? code : 'other';
          errors.set(key, (errors.get(key) ?? 0) + 1);
          throw err;
        }
      };
    },
  });
  return { store: counted, errors };
}

describe('PostgreSQL: a first import into a freshly created database', () => {
  let stack: Stack;
  let db: { url: string; drop(): Promise<void> };
  let store: SqlSyncStore;
  let worker: RunningTestWorker;
  let errors: Map<string, number>;
  before(async () => {
    stack = await startStack();
    db = await freshDatabase('fresh_import');
    store = await createSyncStore({ databaseUrl: db.url });
    await store.migrate();
    const counting = countingErrors(store);
    errors = counting.errors;
    worker = await startTestWorker(stack.env, counting.store);
  });
  after(async () => {
    await worker?.stop();
    await store?.close();
    await db?.drop();
    await stack?.stop();
  });

  it('finishes with exact counts, pages four at once without a deadlock, and leaves statistics behind', async () => {
    const devices = 3000;
    const site = stack.emulator.addSite({ name: siteName('fresh'), seed: 8, devices, catalogSize: 60 });
    const job = jobFor(site, { pageSize: 200, pageConcurrency: 4 });
    const res = await forceSync(stack.env.client, job, { taskQueue: worker.taskQueue });
    const report = (await stack.env.client.workflow.getHandle(res.workflowId).result()) as RunReport;
    const truth = site.groundTruth({ trackedGroups: report.trackedGroups });
    assert.deepEqual(
      {
        verify: report.verify.ok,
        imported: report.verify.importedDevices,
        installations: report.verify.storedInstallations,
      },
      { verify: true, imported: devices, installations: truth.installations },
    );
    assert.equal(
      errors.get('40P01') ?? 0,
      0,
      `deadlocks in the run's attempts: ${JSON.stringify([...errors])}`,
    );
    assert.deepEqual([...errors], [], 'no store call failed at all');
    // The planner knows the tables the import filled (without this, counting the unseen
    // devices planned a nested loop: 74 s at 20k devices, past its heartbeat timeout).
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const rows = await client.query<{ relname: string }>(
        `select relname from pg_stat_user_tables where relname in ('computers', 'run_seen') and last_analyze is not null order by 1`,
      );
      assert.deepEqual(
        rows.rows.map((r) => r.relname),
        ['computers', 'run_seen'],
      );
    } finally {
      await client.end();
    }
  });
});
