/** `runs <job>`: the job's run log, newest first. */
import { Command } from 'commander';
import type { SyncConfig } from '../../ops/config';
import { positiveInt, print, table, withStore } from '../session';

export function runsCommand(config: () => Promise<SyncConfig>): Command {
  return new Command('runs')
    .description("show a job's run log, newest first")
    .argument('<job>')
    .option('-n, --limit <n>', 'how many runs', positiveInt, 10)
    .option('--json', 'print the full reports as JSON')
    .action(async (jobId: string, o: { limit: number; json?: boolean }) => {
      const { findJob } = await import('../../ops/jobs.js');
      const cfg = await config();
      const job = findJob(cfg, jobId);
      const runs = await withStore(cfg, (store) => store.listRuns(job.id, o.limit));
      print(runs, o.json, (rs) =>
        rs.length === 0
          ? [`no runs of ${job.id} yet`]
          : table(
              ['STARTED', 'OUTCOME', 'TRIGGER', 'PASS', 'DEVICES', 'INSTALLATIONS', 'RUN'],
              rs.map((r) => [
                r.startedAt,
                r.outcome,
                r.trigger,
                r.full ? 'full' : 'changed',
                `${r.verify.importedDevices}/${r.verify.sourceDevices}`,
                `${r.verify.storedInstallations}/${r.verify.expectedInstallations}`,
                r.workflowId,
              ]),
            ),
      );
    });
}
