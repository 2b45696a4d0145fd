/** `test-connection <job>`: authenticate with the job's App registration and read the site's totals. */
import { Command } from 'commander';
import type { SyncConfig } from '../../ops/config';
import { print } from '../session';

export function testConnectionCommand(config: () => Promise<SyncConfig>): Command {
  return new Command('test-connection')
    .description(
      "check the job's site URL and App registration (a token, one device listing, the software groups: three calls)",
    )
    .argument('<job>')
    .option('--json', 'print as JSON')
    .action(async (jobId: string, o: { json?: boolean }) => {
      const { checkJob } = await import('../../ops/check-job.js');
      const { findJob } = await import('../../ops/jobs.js');
      const job = findJob(await config(), jobId);
      const result = await checkJob(job);
      if (!result.ok) {
        if (o.json)
          console.log(
            JSON.stringify({ jobId: job.id, ok: false, type: result.type, message: result.message }),
          );
        console.error(`connection test failed [${result.type}]: ${result.message}`);
        process.exitCode = result.code;
        return;
      }
      const { ok: _ok, ...shown } = result;
      print(shown, o.json, (r) => [
        `connected to ${r.site}: ${r.devices} devices`,
        r.trackedGroupsSource === 'site'
          ? `tracked software groups (site): ${r.trackedGroups.join(', ') || 'none'}`
          : `no software-groups endpoint: tracked groups from the job: ${r.trackedGroups.join(', ')}`,
      ]);
    });
}
