/** `progress <workflowId>`: follow a run's live progress until its report. */
import { Command } from 'commander';
import { connectClient, temporalSettings } from '../../ops/temporal';
import { exitCodeForRun } from '../../ops/exit-codes';
import { printReport, waitForReport } from '../../ops/follow-run';

export function progressCommand(): Command {
  return new Command('progress')
    .description('follow a run until its report')
    .argument('<workflowId>')
    .action(async (workflowId: string) => {
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
