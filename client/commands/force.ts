/** `force <job>`: start a run now, or signal the running one for a follow-up full pass. */
import { Command } from 'commander';
import type { SyncConfig } from '../../ops/config';

export function forceCommand(config: () => Promise<SyncConfig>): Command {
  return new Command('force')
    .description('force a sync of a job now (works while the schedule is paused)')
    .argument('<job>', 'job id from the configuration')
    .option('--full', 're-read every device, not only those changed since the last run')
    .option('--dry-run', 'walk and filter as a real run, but write nothing and delete nothing')
    .option('--confirm-missing', 'apply a missing-flag pass even when it exceeds the threshold')
    .option('--wait', 'follow progress until the report; the exit code says how the run ended')
    .action(
      async (
        jobId: string,
        o: { full?: boolean; dryRun?: boolean; confirmMissing?: boolean; wait?: boolean },
      ) => {
        // Loaded here, not at start-up: every verb pays only for what it uses.
        const { findJob } = await import('../../ops/jobs.js');
        const { connectClient, temporalSettings } = await import('../../ops/temporal.js');
        const { forceSync } = await import('../../ops/force-sync.js');
        const { ExitCode, exitCodeForRun } = await import('../../ops/exit-codes.js');
        const { printReport, waitForReport } = await import('../../ops/follow-run.js');
        const job = findJob(await config(), jobId);
        const client = await connectClient(temporalSettings());
        try {
          const res = await forceSync(client, job, o);
          if (res.action === 'busy') {
            console.log(`a run is in progress (${res.workflowId}): run the dry run once it has finished`);
            process.exitCode = ExitCode.skipped;
            return;
          }
          console.log(
            res.action === 'started'
              ? `started ${res.workflowId}`
              : `a run is in progress (${res.workflowId}): signalled; a full pass follows it`,
          );
          if (!o.wait) return;
          const view = await waitForReport(client, res.workflowId, { progress: true });
          printReport(view);
          process.exitCode = exitCodeForRun(view);
        } finally {
          await client.connection.close();
        }
      },
    );
}
