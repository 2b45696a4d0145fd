/** `test-connection <job>`: authenticate with the job's App registration and read the site's totals. */
import { Command } from 'commander';
import type { SyncConfig } from '../../ops/config';
import { print } from '../session';

/** A connection test answers within seconds: a site that does not answer in this long is not reachable. */
const TEST_TIMEOUT_MS = 4_000;

export function testConnectionCommand(config: () => Promise<SyncConfig>): Command {
  return new Command('test-connection')
    .description(
      "check the job's site URL and App registration (a token, one device listing, the software groups: three calls)",
    )
    .argument('<job>')
    .option('--json', 'print as JSON')
    .action(async (jobId: string, o: { json?: boolean }) => {
      const { realClientFor } = await import('../../ops/site-client.js');
      const { exitFor } = await import('../../ops/exit-codes.js');
      const { findJob } = await import('../../ops/jobs.js');
      const job = findJob(await config(), jobId);
      try {
        const client = realClientFor(job, { timeoutMs: TEST_TIMEOUT_MS });
        await client.authenticate();
        const devices = await client.listDevices({ offset: 0, limit: 1 });
        const groups = await client.listSoftwareGroups();
        const result = {
          jobId: job.id,
          site: job.siteUrl,
          devices: devices.total,
          trackedGroups: groups
            ? groups.filter((g) => g.trackInNavigator).map((g) => g.name)
            : job.trackedGroups,
          trackedGroupsSource: groups ? 'site' : 'config',
        };
        print(result, o.json, (r) => [
          `connected to ${r.site}: ${r.devices} devices`,
          r.trackedGroupsSource === 'site'
            ? `tracked software groups (site): ${r.trackedGroups.join(', ') || 'none'}`
            : `no software-groups endpoint: tracked groups from the job: ${r.trackedGroups.join(', ')}`,
        ]);
      } catch (err) {
        const exit = exitFor(err);
        if (o.json)
          console.log(JSON.stringify({ jobId: job.id, ok: false, type: exit.type, message: exit.message }));
        console.error(`connection test failed [${exit.type}]: ${exit.message}`);
        process.exitCode = exit.code;
      }
    });
}
