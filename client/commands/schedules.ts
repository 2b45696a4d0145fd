/** `schedules apply`: create or update one Temporal Schedule per configured job; pause removed jobs'. */
import { Command } from 'commander';
import type { SyncConfig } from '../../ops/config';

export function schedulesCommand(config: () => Promise<SyncConfig>): Command {
  const cmd = new Command('schedules').description('manage the per-job schedules');
  cmd
    .command('apply')
    .description(
      'create or update the schedules from the configuration (paused when a job is disabled or removed)',
    )
    .action(async () => {
      const { connectClient, ensureSearchAttributes, temporalSettings } =
        await import('../../ops/temporal.js');
      const { ORPHAN_NOTE, pauseOrphanSchedules, upsertSchedule } = await import('../../ops/schedules.js');
      const cfg = await config();
      const settings = temporalSettings();
      const client = await connectClient(settings);
      try {
        await ensureSearchAttributes(client, settings.namespace);
        for (const job of cfg.jobs)
          console.log(
            `sync-${job.id}: ${await upsertSchedule(client, job)}${job.enabled ? '' : ' (paused)'}`,
          );
        const jobIds = cfg.jobs.map((j) => j.id);
        for (const id of await pauseOrphanSchedules(client, jobIds))
          console.log(`${id}: paused (${ORPHAN_NOTE})`);
      } finally {
        await client.connection.close();
      }
    });
  return cmd;
}
