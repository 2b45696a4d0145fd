/** Build the sync worker from its real parts (or test doubles of the same interfaces). */
import { type NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { AlloyScanClient } from '../activities/alloyscan/client-types';
import type { SyncStore } from '../activities/store/store-types';
import { TASK_QUEUE } from '../common/task-queue';
import type { SyncJobConfig } from '../common/sync-types';
import { realClientFor } from '../ops/site-client';
import { ConfigError } from '../activities/failures';
import type { NavigatorTarget } from '../activities/destination/navigator/push';
import type { NavigatorConfig } from '../common/sync-types';
import { navigatorClientFor } from '../ops/navigator-client';

/** The longest a heartbeat waits in the worker before it goes to the server. */
export const HEARTBEAT_THROTTLE = '2 seconds';

export interface SyncWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  store: SyncStore;
  taskQueue?: string;
  /** Override the API client factory (tests); default: the real client with the secret resolved here. */
  clientFor?: (job: SyncJobConfig) => AlloyScanClient;
  /** The Navigators jobs may write into (the configuration's `navigators`). */
  navigators?: NavigatorConfig[];
  maxConcurrentActivityTaskExecutions?: number;
  /** Days the run log and the quarantine are kept (`store.retentionDays`). */
  retentionDays?: number;
  /** A prebuilt workflow bundle (tests build it once); default: bundle workflows/ at start. */
  workflowBundle?: WorkflowBundle;
}

export async function createSyncWorker(opts: SyncWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    ...(opts.workflowBundle
      ? { workflowBundle: opts.workflowBundle }
      : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities({
      store: opts.store,
      clientFor: opts.clientFor ?? ((job, budget) => realClientFor(job, { budget })),
      navigatorFor: navigatorsOf(opts.navigators ?? []),
      ...(opts.retentionDays !== undefined && { retentionDays: opts.retentionDays }),
    }),
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? 16,
    // On shutdown, in-flight activities get this long to finish, then are cancelled; their
    // heartbeated cursors let the next attempt (on any worker) resume.
    shutdownGraceTime: '10 seconds',
    // The SDK sends heartbeats at most every 0.8 × heartbeatTimeout (36 s for 45 s) unless told:
    // a cursor must reach the server within seconds, or an attempt killed in that window
    // restarts from an old one. activities/heartbeats.ts sends a moved cursor every 3 s.
    maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE,
    defaultHeartbeatThrottleInterval: HEARTBEAT_THROTTLE,
  });
}

/**
 * The Navigator of a job, with a client built for the calling activity (its counters are the
 * activity's; the token, the rate budget and the in-flight bound are shared per Navigator).
 */
function navigatorsOf(navigators: NavigatorConfig[]): (id: string, jobId: string) => NavigatorTarget {
  const byId = new Map(navigators.map((n) => [n.id, n]));
  return (id, jobId) => {
    const config = byId.get(id);
    if (!config)
      throw new ConfigError(
        `job ${jobId} names navigator "${id}", which this worker's configuration does not have (navigators: ${[...byId.keys()].join(', ') || 'none'})`,
      );
    return { config, client: navigatorClientFor(config, { jobId }) };
  };
}
