/**
 * Force a sync of a job. With no run in progress, a run starts now, recorded like a
 * scheduled one but marked manual (it does not go through the schedule, so a paused
 * schedule does not stop it). With a run in progress, the force is a signal to that run,
 * which coalesces every force it receives into one follow-up full pass.
 */
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { runDetails, runSearchAttributes, runSummary } from '../common/search-attributes';
import type { ForceSignal, SyncJobConfig, SyncRunInput } from '../common/sync-types';
import { runningRunsOf } from '../activities/running-runs';
import { TASK_QUEUE, WORKFLOW_TYPES } from '../common/task-queue';
import { forceSyncSignal } from '../workflows/signals';

export interface ForceOptions {
  full?: boolean;
  dryRun?: boolean;
  confirmMissing?: boolean;
  taskQueue?: string;
  /** For tests: continue-as-new after this many pages. */
  continueAsNewAfterPages?: number;
  /** For tests that kill a worker: the heartbeat timeout of the run's heartbeating steps. */
  heartbeatTimeout?: string;
  now?: Date;
}

export interface ForceResult {
  /** busy: a dry run was asked for while a run of the job is in progress (nothing started). */
  action: 'started' | 'signalled' | 'busy';
  workflowId: string;
  runId?: string | undefined;
}

/**
 * The running execution of a job (by search attribute), if any: the earliest started, which
 * is the one that carries on (a later one stands down for it).
 */
export async function findRunningRun(client: Client, jobId: string): Promise<string | undefined> {
  return (await runningRunsOf(client, jobId))[0]?.workflowId;
}

export function manualWorkflowId(jobId: string, now: Date): string {
  return `sync-${jobId}-manual-${now.toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
}

export async function forceSync(
  client: Client,
  job: SyncJobConfig,
  opts: ForceOptions = {},
): Promise<ForceResult> {
  const running = await findRunningRun(client, job.id);
  const signal: ForceSignal = { full: true, confirmMissing: opts.confirmMissing };
  if (running && opts.dryRun) return { action: 'busy', workflowId: running };
  if (running) {
    try {
      await client.workflow.getHandle(running).signal(forceSyncSignal, signal);
      return { action: 'signalled', workflowId: running };
    } catch (err) {
      // It finished between the look-up and the signal: start a run instead.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
  const workflowId = manualWorkflowId(job.id, opts.now ?? new Date());
  const input: SyncRunInput = {
    job,
    trigger: 'manual',
    full: opts.full ?? false,
    dryRun: opts.dryRun ?? false,
    confirmMissing: opts.confirmMissing ?? false,
    continueAsNewAfterPages: opts.continueAsNewAfterPages,
    heartbeatTimeout: opts.heartbeatTimeout,
  };
  try {
    const handle = await client.workflow.start(WORKFLOW_TYPES.syncRun, {
      taskQueue: opts.taskQueue ?? TASK_QUEUE,
      workflowId,
      args: [input],
      typedSearchAttributes: runSearchAttributes(job, 'manual'),
      staticSummary: runSummary(job, 'manual', { full: opts.full, dryRun: opts.dryRun }),
      staticDetails: runDetails(job),
    });
    return { action: 'started', workflowId, runId: handle.firstExecutionRunId };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    // A dry run must never turn into a real pass by joining a run.
    if (opts.dryRun) return { action: 'busy', workflowId };
    // Another force started this very second: join it instead of starting a second run.
    await client.workflow.getHandle(workflowId).signal(forceSyncSignal, signal);
    return { action: 'signalled', workflowId };
  }
}
