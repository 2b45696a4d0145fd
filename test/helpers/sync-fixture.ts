/**
 * node:test fixtures for workflow tests: `useStack()` gives the enclosing describe one dev
 * server and one emulator; `useStoreAndWorker()` a store on an engine and a worker running
 * the real activities, plus `run()` (force a sync and await its report).
 */
import { after, before } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { NavigatorStore } from '../../activities/navigator/store-types';
import { type ForceOptions, forceSync } from '../../ops/force-sync';
import type { RunReport, SyncJobConfig } from '../../common/sync-types';
import { startEmulator, type Emulator } from '../../emulator';
import type { WorkflowStoreEngine } from './stores';
import { startTestWorker, type RunningTestWorker } from './sync-harness';
import { createTestEnv } from './temporal-env';

export interface Stack {
  readonly env: TestWorkflowEnvironment;
  readonly emulator: Emulator;
}

export function useStack(): Stack {
  let env: TestWorkflowEnvironment | undefined;
  let emulator: Emulator | undefined;
  before(async () => {
    env = await createTestEnv();
    emulator = await startEmulator({ port: 0 });
  });
  after(async () => {
    await emulator?.close();
    await env?.teardown();
  });
  return {
    get env() {
      return env!;
    },
    get emulator() {
      return emulator!;
    },
  };
}

export interface SyncWorkerFixture {
  readonly store: NavigatorStore;
  readonly taskQueue: string;
  /** Force a sync of the job on this worker's task queue and await its report. */
  run(job: SyncJobConfig, opts?: Omit<ForceOptions, 'taskQueue'>): Promise<RunReport>;
  /** The report of a run (following continue-as-new). */
  result(workflowId: string): Promise<RunReport>;
}

export function useStoreAndWorker(stack: Stack, engine: WorkflowStoreEngine): SyncWorkerFixture {
  let store: NavigatorStore | undefined;
  let w: RunningTestWorker | undefined;
  before(async () => {
    store = await engine.open();
    w = await startTestWorker(stack.env, store);
  });
  after(async () => {
    await w?.stop();
    await store?.close();
    await engine.cleanup();
  });
  const result = (workflowId: string): Promise<RunReport> =>
    stack.env.client.workflow.getHandle(workflowId).result() as Promise<RunReport>;
  return {
    get store() {
      return store!;
    },
    get taskQueue() {
      return w!.taskQueue;
    },
    result,
    run: async (job, opts = {}) =>
      result((await forceSync(stack.env.client, job, { ...opts, taskQueue: w!.taskQueue })).workflowId),
  };
}
