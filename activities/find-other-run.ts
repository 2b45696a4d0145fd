/**
 * Runs of one job never overlap. The schedule's SKIP policy covers scheduled runs among
 * themselves and the CLI signals a run it finds in progress; this guard covers the rest (a
 * scheduled tick while a manual run is in progress, two forces racing): of two running
 * runs of a job, the one that started later stands down. Visibility is eventually
 * consistent, so two runs started within the same instant may both go ahead.
 */
import { Context } from '@temporalio/activity';
import { runningRunsQuery } from '../common/search-attributes';
import type { ForceSignal } from '../common/sync-types';
import { FORCE_SYNC_SIGNAL } from '../common/task-queue';
import { asActivity } from './run-helpers';

export interface FindOtherRunInput {
  jobId: string;
  workflowId: string;
  /** This run's start time (ISO). */
  startedAt: string;
}

/** The workflow ID of an earlier run of the job still in progress, if any. */
export async function findEarlierRun(input: FindOtherRunInput): Promise<string | undefined> {
  return asActivity(async () => {
    const { client } = Context.current();
    const query = runningRunsQuery(input.jobId);
    const own = Date.parse(input.startedAt);
    for await (const wf of client.workflow.list({ query })) {
      if (wf.workflowId === input.workflowId) continue;
      const t = wf.startTime.getTime();
      if (t < own || (t === own && wf.workflowId < input.workflowId)) return wf.workflowId;
    }
    return undefined;
  });
}

export interface ForwardForceInput {
  workflowId: string;
  signal: ForceSignal;
}

/** Hand forces received by a run that stands down to the run it stands down for. */
export async function forwardForce(input: ForwardForceInput): Promise<void> {
  return asActivity(async () => {
    await Context.current()
      .client.workflow.getHandle(input.workflowId)
      .signal(FORCE_SYNC_SIGNAL, input.signal);
  });
}
