/** `progress <workflowId>`: follow a run's live progress until its report. */
import { Command } from 'commander';
import { withTemporal } from '../session';

export function progressCommand(): Command {
  return new Command('progress')
    .description('follow a run until its report')
    .argument('<workflowId>')
    .option('--json', 'print the report as JSON')
    .action(async (workflowId: string, o: { json?: boolean }) => {
      const { exitCodeForRun } = await import('../../ops/exit-codes.js');
      const { printReport, waitForReport } = await import('../../ops/follow-run.js');
      await withTemporal(async (client) => {
        const view = await waitForReport(client, workflowId, { progress: !o.json });
        if (o.json) console.log(JSON.stringify(view.ok ? view.report : view, null, 2));
        else printReport(view);
        process.exitCode = exitCodeForRun(view);
      });
    });
}
