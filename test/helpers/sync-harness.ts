/**
 * Building blocks of the sync workflow tests, real parts only: a job for an emulated site, a
 * worker on its own task queue running the real activities, unique site names, and waiting
 * for a run's progress. The dev server and emulator come from sync-fixture.ts, the stores
 * from stores.ts.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { SyncStore } from '../../activities/store/store-types';
import type { WorkflowHandle } from '@temporalio/client';
import type { NavigatorConfig, SyncJobConfig, SyncProgress } from '../../common/sync-types';
import type { EmulatedSite, SiteOptions } from '../../emulator';
import { createSyncWorker } from '../../worker/create-worker';
import { jobConfig } from './jobs';
import { workflowBundle } from './temporal-env';

let secretCounter = 0;

/** A job for an emulated site, with a fresh App registration whose secret lives in an env var. */
export function jobFor(site: EmulatedSite, overrides: Partial<SyncJobConfig> = {}): SyncJobConfig {
  const reg = site.createRegistration({ name: 'sync test', expiresAt: '2035-01-01T00:00:00Z' });
  const envName = `TEST_SECRET_${++secretCounter}`;
  process.env[envName] = reg.clientSecret;
  return jobConfig(site.name, {
    siteUrl: site.url,
    clientId: reg.clientId,
    clientSecret: { env: envName },
    requestsPerSecond: 1000,
    ...overrides,
  });
}

export interface RunningTestWorker {
  worker: Worker;
  taskQueue: string;
  /** Resolves when the worker stopped. */
  stopped: Promise<void>;
  stop(): Promise<void>;
}

/** Start a worker with the real activities on a fresh task queue. */
export async function startTestWorker(
  env: TestWorkflowEnvironment,
  store: SyncStore,
  taskQueue = `test-${randomUUID()}`,
  opts: { navigators?: NavigatorConfig[] } = {},
): Promise<RunningTestWorker> {
  const worker = await createSyncWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    store,
    taskQueue,
    ...(opts.navigators && { navigators: opts.navigators }),
    workflowBundle: await workflowBundle(),
  });
  const stopped = worker.run();
  return {
    worker,
    taskQueue,
    stopped,
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await stopped;
    },
  };
}

let siteCounter = 0;
/** A unique site name per test (job ids follow it). */
export function siteName(prefix: string): string {
  return `${prefix}-${++siteCounter}-${randomUUID().slice(0, 6)}`;
}

export type { SiteOptions };

/** Wait until a run has finished at least `pages` inventory pages (polls its progress query). */
export async function waitForPages(handle: WorkflowHandle, pages: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const p = await handle.query<SyncProgress>('progress').catch(() => undefined);
    if (p && p.pagesDone >= pages) return;
    if (Date.now() > deadline) throw new Error(`the run did not reach ${pages} pages in time`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
