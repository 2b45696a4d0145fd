/** `progress <workflowId>`: follow a run's live progress until its report. */
import { Command } from 'commander';

export function progressCommand(): Command {
  return new Command('progress')
    .description('follow a run until its report')
    .argument('<workflowId>')
    .action(async (workflowId: string) => {
      const { connectClient, temporalSettings } = await import('../../ops/temporal.js');
      const { exitCodeForRun } = await import('../../ops/exit-codes.js');
      const { printReport, waitForReport } = await import('../../ops/follow-run.js');
      const client = await connectClient(temporalSettings());
      try {
        const view = await waitForReport(client, workflowId, { progress: true });
        printReport(view);
        process.exitCode = exitCodeForRun(view);
      } finally {
        await client.connection.close();
      }
    });
}
