/** `force <job>`: start a run now, or signal the running one for a follow-up full pass. */
import { Command } from 'commander';
import type { SyncConfig } from '../../ops/config';
import { followToReport, withStore, withTemporal } from '../session';

interface ForceFlags {
  full?: boolean;
  dryRun?: boolean;
  confirmMissing?: boolean;
  wait?: boolean;
  json?: boolean;
}

export function forceCommand(config: () => Promise<SyncConfig>): Command {
  return new Command('force')
    .description('force a sync of a job now (works while the schedule is paused)')
    .argument('<job>', 'job id from the configuration')
    .option('--full', 're-read every device, not only those changed since the last run')
    .option('--dry-run', 'walk and filter as a real run, but write nothing and delete nothing')
    .option('--confirm-missing', 'apply a missing-flag pass even when it exceeds the threshold')
    .option('--wait', 'follow progress until the report; the exit code says how the run ended')
    .option('--json', 'with --wait: print the report as JSON (progress lines go to stderr)')
    .action(async (jobId: string, o: ForceFlags) => {
      // Loaded here, not at start-up: every verb pays only for what it uses.
      const { deletedError, findJob } = await import('../../ops/jobs.js');
      const { forceSync } = await import('../../ops/force-sync.js');
      const { ExitCode } = await import('../../ops/exit-codes.js');
      const cfg = await config();
      const job = findJob(cfg, jobId);
      const deletedAt = (await withStore(cfg, (store) => store.jobState(job.id)))?.deletedAt;
      if (deletedAt) throw deletedError(job.id, deletedAt);
      const say = o.json ? (line: string) => console.error(line) : (line: string) => console.log(line);
      await withTemporal(async (client) => {
        const res = await forceSync(client, job, o);
        if (res.action === 'busy') {
          say(`a run is in progress (${res.workflowId}): run the dry run once it has finished`);
          process.exitCode = ExitCode.skipped;
          return;
        }
        say(
          res.action === 'started'
            ? `started ${res.workflowId}`
            : `a run is in progress (${res.workflowId}): signalled; a full pass follows it`,
        );
        if (!o.wait) return;
        await followToReport(client, res.workflowId, o.json);
      });
    });
}
