/** `progress <workflowId>`: follow a run's live progress until its report. */
import { Command } from 'commander';
import { followToReport, withTemporal } from '../session';

export function progressCommand(): Command {
  return new Command('progress')
    .description('follow a run until its report')
    .argument('<workflowId>')
    .option('--json', 'print the report as JSON')
    .action(async (workflowId: string, o: { json?: boolean }) => {
      await withTemporal((client) => followToReport(client, workflowId, o.json));
    });
}
