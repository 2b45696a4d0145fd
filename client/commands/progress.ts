/** `progress <workflowId>`: follow a run's live progress until its report. */
import { Command } from 'commander';
import { connectClient, temporalSettings } from '../../worker/temporal';
import { exitCodeFor, printReport, waitForReport } from '../follow-run';

export function progressCommand(): Command {
  return new Command('progress')
    .description('follow a run until its report')
    .argument('<workflowId>')
    .action(async (workflowId: string) => {
      const client = await connectClient(temporalSettings());
      try {
        const view = await waitForReport(client, workflowId, { progress: true });
        printReport(view);
        process.exitCode = exitCodeFor(view);
      } finally {
        await client.connection.close();
      }
    });
}
