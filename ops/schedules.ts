/**
 * One Temporal Schedule per job, created or updated from the job configuration.
 * - spec: the job's cron expression in its time zone;
 * - overlap SKIP: a tick while a run of the job is in progress is skipped, so two scheduled
 *   runs never run at once (a force while running is coalesced by the run itself);
 * - catch-up window 1 hour: after a server outage, a tick missed by less than an hour runs
 *   once when the server is back; older ticks are dropped (the next tick syncs everything
 *   changed anyway);
 * - paused while the job is not enabled: forced runs still work;
 * - paused when the job is removed from the configuration (pauseOrphanSchedules).
 */
import {
  type Client,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
} from '@temporalio/client';
import { runDetails, runSearchAttributes, runSummary } from '../common/search-attributes';
import type { SyncStore } from '../activities/store/store-types';
import type { SyncJobConfig, SyncRunInput } from '../common/sync-types';
import { TASK_QUEUE, WORKFLOW_TYPES } from '../common/task-queue';
import { ensureSearchAttributes } from './temporal';

export const CATCHUP_WINDOW = '1 hour';

export function scheduleId(jobId: string): string {
  return `sync-${jobId}`;
}

function scheduleBody(job: SyncJobConfig, taskQueue: string) {
  const args: [SyncRunInput] = [{ job, trigger: 'schedule' }];
  return {
    spec: { cronExpressions: [job.schedule.cron], timezone: job.schedule.timeZone },
    action: {
      type: 'startWorkflow' as const,
      workflowType: WORKFLOW_TYPES.syncRun,
      // The server appends the scheduled time: sync-acme-scheduled-2026-11-26T02:00:00Z
      workflowId: `sync-${job.id}-scheduled`,
      taskQueue,
      args,
      typedSearchAttributes: runSearchAttributes(job, 'schedule'),
      staticSummary: runSummary(job, 'schedule'),
      staticDetails: runDetails(job),
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: CATCHUP_WINDOW, pauseOnFailure: false },
  };
}

/**
 * Create the job's schedule, or update it to match the configuration. Whether it is paused
 * follows the configuration's `enabled` when the schedule is new or `enabled` changed since the
 * configuration was last applied (`configChanged`); otherwise it stays as it is, so a
 * `jobs disable` or `jobs enable` from the CLI holds until the configuration says otherwise.
 */
export async function upsertSchedule(
  client: Client,
  job: SyncJobConfig,
  opts: { taskQueue?: string; configChanged?: boolean } = {},
): Promise<'created' | 'updated'> {
  return (await applySchedule(client, job, opts)).action;
}

/** upsertSchedule, and whether the schedule is paused now (known from the same calls). */
async function applySchedule(
  client: Client,
  job: SyncJobConfig,
  opts: { taskQueue?: string; configChanged?: boolean },
): Promise<{ action: 'created' | 'updated'; paused: boolean }> {
  const body = scheduleBody(job, opts.taskQueue ?? TASK_QUEUE);
  const note = job.enabled ? 'enabled in the sync configuration' : 'job disabled: forced runs only';
  const handle = client.schedule.getHandle(scheduleId(job.id));
  let exists = true;
  try {
    await handle.describe();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
    exists = false;
  }
  if (!exists) {
    try {
      await client.schedule.create({
        scheduleId: scheduleId(job.id),
        ...body,
        state: { paused: !job.enabled, note },
      });
      return { action: 'created', paused: !job.enabled };
    } catch (err) {
      // Several workers starting at once: another one created it first; update it as ours.
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    }
  }
  const apply = opts.configChanged ?? true;
  let paused = !job.enabled;
  await handle.update((prev) => {
    const state = apply ? { ...prev.state, paused: !job.enabled, note } : prev.state;
    paused = !!state.paused;
    return { ...prev, ...body, state };
  });
  return { action: 'updated', paused };
}

/** What applying the configuration did to one job's schedule. */
export type Applied = {
  jobId: string;
  schedule: 'created' | 'updated' | 'deleted job: none';
  paused?: boolean;
};

/** One line for the operator: what happened to a job's schedule. */
function describeApplied(a: Applied, job: SyncJobConfig): string {
  if (a.schedule === 'deleted job: none')
    return `job ${a.jobId} was deleted (jobs delete): no schedule; remove it from the configuration, or bring it back with jobs restore ${a.jobId}`;
  const when = `${job.schedule.cron} ${job.schedule.timeZone}`;
  return `schedule ${scheduleId(a.jobId)} ${a.schedule} (${when}${a.paused ? ', paused' : ''})`;
}

/**
 * Apply the configuration: register the search attributes when missing, record each job in
 * the store and create or update its schedule
 * (a job deleted with `jobs delete` gets none), then pause the schedules of removed jobs.
 * The worker does this at start, and `schedules apply` on demand.
 */
export async function applyConfiguration(
  client: Client,
  store: SyncStore,
  jobs: SyncJobConfig[],
): Promise<{ applied: Applied[]; orphansPaused: string[] }> {
  await ensureSearchAttributes(client, client.options.namespace);
  const applied: Applied[] = [];
  for (const job of jobs) {
    const before = await store.jobState(job.id);
    await store.upsertJob(job);
    if (before?.deletedAt) {
      applied.push({ jobId: job.id, schedule: 'deleted job: none' });
      continue;
    }
    const configChanged = before === undefined || before.configEnabled !== job.enabled;
    const { action, paused } = await applySchedule(client, job, { configChanged });
    applied.push({ jobId: job.id, schedule: action, paused });
  }
  const orphansPaused = await pauseOrphanSchedules(
    client,
    jobs.map((j) => j.id),
  );
  return { applied, orphansPaused };
}

export const ORPHAN_NOTE = 'job removed from the sync configuration';

/** The operator's lines for what applyConfiguration did: one per job, one per paused orphan. */
export function describeConfiguration(
  result: { applied: Applied[]; orphansPaused: string[] },
  jobs: SyncJobConfig[],
): string[] {
  return [
    ...result.applied.map((a, i) => describeApplied(a, jobs[i]!)),
    ...result.orphansPaused.map((id) => `schedule ${id} paused: ${ORPHAN_NOTE}`),
  ];
}

/**
 * Pause the schedules (`sync-<job>`, starting the sync workflow) of jobs no longer in the
 * configuration, so they stop firing. Paused, not deleted: the job may have been removed by
 * mistake, and re-adding it resumes its schedule. Returns the ids it paused (already paused
 * ones are left alone). The list comes from visibility, so it may lag a just-created schedule.
 */
export async function pauseOrphanSchedules(client: Client, jobIds: string[]): Promise<string[]> {
  const configured = new Set(jobIds.map(scheduleId));
  const orphans: string[] = [];
  for await (const s of client.schedule.list()) {
    if (!s.scheduleId.startsWith(scheduleId('')) || configured.has(s.scheduleId)) continue;
    if (s.action?.workflowType !== WORKFLOW_TYPES.syncRun || s.state.paused) continue;
    orphans.push(s.scheduleId);
  }
  for (const id of orphans) await client.schedule.getHandle(id).pause(ORPHAN_NOTE);
  return orphans;
}
