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
    .option('--run <runId>', 'the run (its run id, as `runs --json` shows it)')
    .option('-n, --limit <n>', 'how many records', positiveInt, 100)
    .option('--json', 'print as JSON')
    .action(async (jobId: string, o: { run?: string; limit: number; json?: boolean }) => {
      const { findJob } = await import('../../ops/jobs.js');
      const cfg = await config();
      const job = findJob(cfg, jobId);
      const result = await withStore(cfg, async (store) => {
        const runId = o.run ?? (await store.listRuns(job.id, 1))[0]?.runId;
        if (!runId) throw new UsageError(`job ${job.id} has no runs yet`);
        return {
          jobId: job.id,
          runId,
          records: await store.listQuarantine(job.id, runId, o.limit),
        };
      });
      print(result, o.json, (r) =>
        r.records.length === 0
          ? [`run ${r.runId} of ${r.jobId} quarantined nothing`]
          : [
              `run ${r.runId} of ${r.jobId} quarantined ${r.records.length} record(s):`,
              ...r.records.map((q) => `  ${q.kind} ${q.sourceId}: ${q.reason}`),
            ],
      );
    });
}
