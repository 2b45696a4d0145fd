/**
 * The runs of a job in progress, earliest first. Found by search attribute (visibility is
 * eventually consistent: a run that has just finished can still be listed as running), then
 * each confirmed with describe(), which is strongly consistent.
 */
import type { Client } from '@temporalio/client';
import { runningRunsQuery } from '../common/search-attributes';

export interface RunningRun {
  workflowId: string;
  startTime: Date;
}

export async function runningRunsOf(client: Client, jobId: string): Promise<RunningRun[]> {
  const listed: RunningRun[] = [];
  for await (const wf of client.workflow.list({ query: runningRunsQuery(jobId) })) {
    listed.push({ workflowId: wf.workflowId, startTime: wf.startTime });
  }
  const confirmed: RunningRun[] = [];
  for (const run of listed) {
    const desc = await client.workflow.getHandle(run.workflowId).describe();
    if (desc.status.name === 'RUNNING')
      confirmed.push({ workflowId: run.workflowId, startTime: desc.startTime });
  }
  return confirmed.sort(
    (a, b) => a.startTime.getTime() - b.startTime.getTime() || a.workflowId.localeCompare(b.workflowId),
  );
}
