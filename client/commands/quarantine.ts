/** `quarantine <job> [--run id]`: the records a run set aside as malformed, with the reasons. */
import { Command } from 'commander';
import { UsageError } from '../../activities/failures';
import type { SyncConfig } from '../../ops/config';
import { positiveInt, print, withStore } from '../session';

export function quarantineCommand(config: () => Promise<SyncConfig>): Command {
  return new Command('quarantine')
    .description(
      'the records a run quarantined (malformed API records), with their reasons; default: the last run',
    )
    .argument('<job>')
    .option('--run <run>', 'the run: its workflow id, as the RUN column of `runs` shows it (or its run id)')
    .option('-n, --limit <n>', 'how many records', positiveInt, 100)
    .option('--json', 'print as JSON')
    .action(async (jobId: string, o: { run?: string; limit: number; json?: boolean }) => {
      const { findJob } = await import('../../ops/jobs.js');
      const cfg = await config();
      const job = findJob(cfg, jobId);
      const result = await withStore(cfg, async (store) => {
        const run = o.run ? await store.findRun(job.id, o.run) : (await store.listRuns(job.id, 1))[0];
        if (!run)
          throw new UsageError(
            o.run
              ? `no run ${o.run} of job ${job.id} in the run log (\`runs ${job.id}\` lists them)`
              : `job ${job.id} has no runs yet`,
          );
        return {
          jobId: job.id,
          workflowId: run.workflowId,
          runId: run.runId,
          records: await store.listQuarantine(job.id, run.runId, o.limit),
        };
      });
      print(result, o.json, (r) =>
        r.records.length === 0
          ? [`run ${r.workflowId} of ${r.jobId} quarantined nothing`]
          : [
              `run ${r.workflowId} of ${r.jobId} quarantined ${r.records.length} record(s):`,
              ...r.records.map((q) => `  ${q.kind} ${q.sourceId}: ${q.reason}`),
            ],
      );
    });
}
