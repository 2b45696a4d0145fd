/** `test-connection <job>`: authenticate with the job's App registration and read the site's totals. */
import { Command } from 'commander';
import { AlloyScanError } from '../../activities/alloyscan/errors';
import type { SyncConfig } from '../../worker/config';
import { realClientFor } from '../../worker/create-worker';
import { findJob } from '../jobs';

export function testConnectionCommand(config: () => SyncConfig): Command {
  return new Command('test-connection')
    .description("check the job's site URL and App registration (one token request)")
    .argument('<job>')
    .action(async (jobId: string) => {
      const job = findJob(config(), jobId);
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
        const type = (err as { type?: string }).type;
        console.error(
          `connection test failed${type ? ` [${type}]` : ''}: ${err instanceof Error ? err.message : String(err)}`,
        );
        process.exitCode = err instanceof AlloyScanError ? 1 : 2;
      }
    });
}
