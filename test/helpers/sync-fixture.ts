/**
 * Fixtures for workflow tests, as plain async factories that register no hooks: the describe
 * starts them in `before` and stops them in `after`.
 * - `startStack()`: one dev server and one emulator (one per test file); `stop()` ends both.
 *   `startStack({ ui: true })` also serves the dev server's Web UI, at `stack.uiUrl`.
 * - `startStoreAndWorker(stack, engine)`: a store on an engine and a worker running the real
 *   activities, plus `run()` (force a sync and await its report); `stop()` stops the worker,
 *   closes the store and removes its file or schema.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { SyncStore } from '../../activities/store/store-types';
import { type ForceOptions, forceSync } from '../../ops/force-sync';
import type { RunReport, SyncJobConfig } from '../../common/sync-types';
import { startEmulator, type Emulator } from '../../emulator';
import type { WorkflowStoreEngine } from './stores';
import { startTestWorker, type RunningTestWorker } from './sync-harness';
import { freePort } from './processes';
import { createTestEnv } from './temporal-env';

export interface Stack {
  readonly env: TestWorkflowEnvironment;
  readonly emulator: Emulator;
  /** The Web UI (`http://127.0.0.1:<port>`), when started with `{ ui: true }`. */
  readonly uiUrl?: string | undefined;
  /** Closes the emulator, then tears the dev server down. */
  stop(): Promise<void>;
}

export async function startStack(opts: { ui?: boolean } = {}): Promise<Stack> {
  const uiPort = opts.ui ? await freePort() : undefined;
  const env = await createTestEnv(uiPort === undefined ? {} : { uiPort });
  let emulator: Emulator;
  try {
    emulator = await startEmulator({ port: 0 });
  } catch (err) {
    await env.teardown();
    throw err;
  }
  return {
    env,
    emulator,
    uiUrl: uiPort === undefined ? undefined : `http://127.0.0.1:${uiPort}`,
    stop: async () => {
      await emulator.close();
      await env.teardown();
    },
  };
}

export interface StoreAndWorker {
  readonly store: SyncStore;
  readonly taskQueue: string;
  /** Force a sync of the job on this worker's task queue and await its report. */
  run(job: SyncJobConfig, opts?: Omit<ForceOptions, 'taskQueue'>): Promise<RunReport>;
  /** The report of a run (following continue-as-new). */
  result(workflowId: string): Promise<RunReport>;
  /** Stops the worker, closes the store and removes its file or schema. */
  stop(): Promise<void>;
}

export async function startStoreAndWorker(
  stack: Stack,
  engine: WorkflowStoreEngine,
): Promise<StoreAndWorker> {
  const store = await engine.open();
  let worker: RunningTestWorker;
  try {
    worker = await startTestWorker(stack.env, store);
  } catch (err) {
    await store.close();
    await engine.cleanup();
    throw err;
  }
  const { taskQueue } = worker;
  const result = (workflowId: string): Promise<RunReport> =>
    stack.env.client.workflow.getHandle(workflowId).result() as Promise<RunReport>;
  return {
    store,
    taskQueue,
    result,
    run: async (job, opts = {}) =>
      result((await forceSync(stack.env.client, job, { ...opts, taskQueue })).workflowId),
    stop: async () => {
      await worker.stop();
      await store.close();
      await engine.cleanup();
    },
  };
}
