/** `progress <workflowId>`: follow a run's live progress until its report. */
import { Command } from 'commander';
import { followToReport, withTemporal } from '../session';

export function progressCommand(): Command {
  return new Command('progress')
    .description('follow a run until its report')
    .argument('<workflowId>', 'the run, as `runs` shows it (RUN column) or `force` printed it')
    .option('--json', 'print the report as JSON')
    .action(async (workflowId: string, o: { json?: boolean }) => {
      const { assertRunExists } = await import('../../ops/follow-run.js');
      await withTemporal(async (client) => {
        await assertRunExists(client, workflowId);
        await followToReport(client, workflowId, o.json);
      });
    });
}
