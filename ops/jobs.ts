/**
 * A job's lifecycle, as the vendor's settings form has it: find it, see its state, enable or
 * disable its schedule (forced runs still work), delete it (its schedule goes; its run log,
 * records and histories stay), restore it.
 */
import { type Client, ScheduleNotFoundError } from '@temporalio/client';
import { UsageError } from '../activities/failures';
import type { SyncStore } from '../activities/store/store-types';
import type { RunOutcome, SyncJobConfig } from '../common/sync-types';
import type { SyncConfig } from './config';
import { scheduleId, upsertSchedule } from './schedules';

/** The job with this id, or a UsageError listing the known ones. */
export function findJob(config: SyncConfig, id: string): SyncJobConfig {
  const job = config.jobs.find((j) => j.id === id);
  if (!job)
    throw new UsageError(
      `no job "${id}" in the configuration (jobs: ${config.jobs.map((j) => j.id).join(', ')})`,
    );
  return job;
}

export interface JobStatus {
  id: string;
  site: string;
  /** The schedule runs automatically (it exists and is not paused). */
  enabled: boolean;
  schedule: {
    cron: string;
    timeZone: string;
    state: 'active' | 'paused' | 'missing' | 'deleted';
    note?: string;
  };
  nextRun?: string | undefined;
  lastRun?: { outcome: RunOutcome; finishedAt: string; workflowId: string; message: string } | undefined;
  lastSuccess?: string | undefined;
  deletedAt?: string | undefined;
}

export async function jobStatus(client: Client, store: SyncStore, job: SyncJobConfig): Promise<JobStatus> {
  const state = await store.jobState(job.id);
  const [last] = await store.listRuns(job.id, 1);
  const success = await store.lastSuccess(job.id);
  const status: JobStatus = {
    id: job.id,
    site: job.siteUrl,
    enabled: false,
    schedule: { cron: job.schedule.cron, timeZone: job.schedule.timeZone, state: 'missing' },
    lastRun: last && {
      outcome: last.outcome,
      finishedAt: last.finishedAt,
      workflowId: last.workflowId,
      message: last.message,
    },
    lastSuccess: success?.finishedAt,
    deletedAt: state?.deletedAt,
  };
  if (state?.deletedAt) return { ...status, schedule: { ...status.schedule, state: 'deleted' } };
  try {
    const d = await client.schedule.getHandle(scheduleId(job.id)).describe();
    const paused = d.state.paused;
    status.enabled = !paused;
    status.schedule = { ...status.schedule, state: paused ? 'paused' : 'active', note: d.state.note };
    status.nextRun = paused ? undefined : d.info.nextActionTimes[0]?.toISOString();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
  return status;
}

/** The job's schedule must exist and the job must not be deleted for the schedule verbs. */
async function liveSchedule(client: Client, store: SyncStore, job: SyncJobConfig) {
  const state = await store.jobState(job.id);
  if (state?.deletedAt) throw deletedError(job.id, state.deletedAt);
  const handle = client.schedule.getHandle(scheduleId(job.id));
  try {
    await handle.describe();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
    throw new UsageError(`job ${job.id} has no schedule yet: start a worker, or run schedules apply`);
  }
  return handle;
}

export function deletedError(jobId: string, at: string): UsageError {
  return new UsageError(`job ${jobId} was deleted on ${at}: bring it back with jobs restore ${jobId}`);
}

/** Pause (disable) or unpause (enable) the job's schedule; forced runs work either way. */
export async function setJobEnabled(client: Client, store: SyncStore, job: SyncJobConfig, enabled: boolean) {
  const handle = await liveSchedule(client, store, job);
  const note = `${enabled ? 'enabled' : 'disabled'} with alloyscan-sync jobs ${enabled ? 'enable' : 'disable'} on ${new Date().toISOString()}`;
  if (enabled) await handle.unpause(note);
  else await handle.pause(note);
}

/** Delete the job's schedule and mark the job deleted; the run log, records and histories stay. */
export async function deleteJob(client: Client, store: SyncStore, job: SyncJobConfig): Promise<void> {
  await store.upsertJob(job);
  try {
    await client.schedule.getHandle(scheduleId(job.id)).delete();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
  await store.setJobDeleted(job.id, new Date().toISOString());
}

/** Undo `deleteJob`: clear the mark and create the schedule again, paused as the configuration says. */
export async function restoreJob(client: Client, store: SyncStore, job: SyncJobConfig): Promise<void> {
  await store.setJobDeleted(job.id, null);
  await upsertSchedule(client, job, { configChanged: true });
}
