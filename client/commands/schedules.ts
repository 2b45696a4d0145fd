/** `schedules apply`: create or update one Temporal Schedule per configured job; pause removed jobs'. */
import { Command } from 'commander';
import type { SyncConfig } from '../../ops/config';
import { print, withStore, withTemporal } from '../session';

export function schedulesCommand(config: () => Promise<SyncConfig>): Command {
  const cmd = new Command('schedules').description('manage the per-job schedules');
  cmd
    .command('apply')
    .description(
      'create or update the schedules from the configuration (paused when a job is disabled or removed)',
    )
    .option('--json', 'print what was done as JSON')
    .action(async (o: { json?: boolean }) => {
      const { applyConfiguration, describeConfiguration } = await import('../../ops/schedules.js');
      const cfg = await config();
      const result = await withTemporal((client) =>
        withStore(cfg, (store) => applyConfiguration(client, store, cfg.jobs)),
      );
      print(result, o.json, (r) => describeConfiguration(r, cfg.jobs));
    });
  return cmd;
}
