/** `test-connection <job>`: authenticate with the job's App registration and read the site's totals. */
import { Command } from 'commander';
import type { SyncConfig } from '../../ops/config';

export function testConnectionCommand(config: () => Promise<SyncConfig>): Command {
  return new Command('test-connection')
    .description("check the job's site URL and App registration (one token request)")
    .argument('<job>')
    .action(async (jobId: string) => {
      const { realClientFor } = await import('../../ops/site-client.js');
      const { exitFor } = await import('../../ops/exit-codes.js');
      const { findJob } = await import('../../ops/jobs.js');
      const job = findJob(await config(), jobId);
      try {
        const client = realClientFor(job);
        await client.authenticate();
        const devices = await client.listDevices({ offset: 0, limit: 1 });
        const groups = await client.listSoftwareGroups();
        console.log(`connected to ${job.siteUrl}: ${devices.total} devices`);
        console.log(
          groups
            ? `tracked software groups (site): ${
                groups
                  .filter((g) => g.trackInNavigator)
                  .map((g) => g.name)
                  .join(', ') || 'none'
              }`
            : `no software-groups endpoint: tracked groups from the job: ${job.trackedGroups.join(', ')}`,
        );
      } catch (err) {
        const exit = exitFor(err);
        console.error(`connection test failed [${exit.type}]: ${exit.message}`);
        process.exitCode = exit.code;
      }
    });
}
