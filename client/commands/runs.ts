/** `runs <job>`: the job's run log, newest first. */
import { Command } from 'commander';
import type { SyncConfig } from '../../ops/config';

export function runsCommand(config: () => Promise<SyncConfig>): Command {
  return new Command('runs')
    .description("show a job's run log, newest first")
    .argument('<job>')
    .option('-n, --limit <n>', 'how many runs', '10')
    .option('--json', 'print the full reports as JSON')
    .action(async (jobId: string, o: { limit: string; json?: boolean }) => {
      const { findJob } = await import('../../ops/jobs.js');
      const { openStore } = await import('../../ops/open-store.js');
      const cfg = await config();
      const job = findJob(cfg, jobId);
      const store = await openStore(cfg);
      try {
        const runs = await store.listRuns(job.id, Number(o.limit) || 10);
        if (o.json) return console.log(JSON.stringify(runs, null, 2));
        if (runs.length === 0) return console.log(`no runs of ${job.id} yet`);
        for (const r of runs) {
          const v = r.verify;
          console.log(
            `${r.startedAt}  ${r.outcome.padEnd(18)} ${r.trigger.padEnd(8)} ${r.full ? 'full   ' : 'changed'}  ` +
              `devices ${v.importedDevices}/${v.sourceDevices}  installations ${v.storedInstallations}/${v.expectedInstallations}  ${r.workflowId}`,
          );
        }
      } finally {
        await store.close();
      }
    });
}
