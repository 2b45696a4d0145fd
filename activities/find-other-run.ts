/**
 * Runs of one job never overlap. The schedule's SKIP policy covers scheduled runs among
 * themselves and the CLI signals a run it finds in progress; this guard covers the rest (a
 * scheduled tick while a manual run is in progress, two forces racing): of two running
 * runs of a job, the one that started later stands down. Visibility is eventually
 * consistent, so two runs started within the same instant may both go ahead.
 */
import { Context } from '@temporalio/activity';
import type { ForceSignal } from '../common/sync-types';
import { FORCE_SYNC_SIGNAL } from '../common/task-queue';
import { runningRunsOf } from './running-runs';
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
    const own = Date.parse(input.startedAt);
    const earlier = (await runningRunsOf(Context.current().client, input.jobId)).find(
      (r) =>
        r.workflowId !== input.workflowId &&
        (r.startTime.getTime() < own || (r.startTime.getTime() === own && r.workflowId < input.workflowId)),
    );
    return earlier?.workflowId;
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
