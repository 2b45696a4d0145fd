/**
 * `test-connection <job>`: authenticate with the job's App registration and read the site's
 * totals; when the job names a Navigator, check it too (ops/navigator-check.ts). Every failure
 * is one sentence naming what to fix; the exit code is the first failure's.
 */
import { Command } from 'commander';
import type { SyncConfig } from '../../ops/config';
import type { SyncJobConfig } from '../../common/sync-types';
import type { NavigatorCheck } from '../../ops/navigator-check';
import { print } from '../session';

/** A connection test answers within seconds: a site that does not answer in this long is not reachable. */
const TEST_TIMEOUT_MS = 4_000;

interface Failed {
  type: string;
  message: string;
  code: number;
}

async function checkJobNavigator(
  config: SyncConfig,
  job: SyncJobConfig,
): Promise<NavigatorCheck | undefined> {
  const nav = config.navigators.find((n) => n.id === job.navigator);
  if (!nav) return undefined;
  const { checkNavigator } = await import('../../ops/navigator-check.js');
  const { navigatorClientFor } = await import('../../ops/navigator-client.js');
  return checkNavigator(nav, () => navigatorClientFor(nav, { timeoutMs: TEST_TIMEOUT_MS, jobId: job.id }));
}

function navigatorLines(n: NavigatorCheck): string[] {
  const classes = Object.values(n.classes);
  return [
    `connected to Navigator ${n.navigator} at ${n.apiUrl}: classes ${classes.join(', ') || 'none'} answered`,
    ...(n.statuses ? [`Status values of Computers: ${n.statuses.join(', ') || 'none'}`] : []),
  ];
}

export function testConnectionCommand(config: () => Promise<SyncConfig>): Command {
  return new Command('test-connection')
    .description(
      "check the job's site URL and App registration (a token, one device listing, the software groups), and the job's Navigator when it names one (a token, one listing per class, the Status values)",
    )
    .argument('<job>')
    .option('--json', 'print as JSON')
    .action(async (jobId: string, o: { json?: boolean }) => {
      const { exitCodeForFailure } = await import('../../ops/exit-codes.js');
      const { findJob } = await import('../../ops/jobs.js');
      const cfg = await config();
      const job = findJob(cfg, jobId);
      const failures: Failed[] = [];
      const { checkJob } = await import('../../ops/check-job.js');
      const checked = await checkJob(job, TEST_TIMEOUT_MS);
      const site = checked.ok
        ? {
            jobId: checked.jobId,
            site: checked.site,
            devices: checked.devices,
            trackedGroups: checked.trackedGroups,
            trackedGroupsSource: checked.trackedGroupsSource,
          }
        : undefined;
      if (!checked.ok) failures.push({ type: checked.type, message: checked.message, code: checked.code });
      const nav = await checkJobNavigator(cfg, job);
      for (const p of nav?.problems ?? []) failures.push({ ...p, code: exitCodeForFailure(p.type) });
      if (o.json) {
        const first = failures[0] && { type: failures[0].type, message: failures[0].message };
        const result = { jobId: job.id, ok: !first, ...site, ...first, navigator: nav, failures };
        console.log(JSON.stringify(result, null, 2));
      } else {
        if (site)
          print(site, false, (r) => [
            `connected to ${r.site}: ${r.devices} devices`,
            r.trackedGroupsSource === 'site'
              ? `tracked software groups (site): ${r.trackedGroups.join(', ') || 'none'}`
              : `no software-groups endpoint: tracked groups from the job: ${r.trackedGroups.join(', ')}`,
          ]);
        if (nav && Object.keys(nav.classes).length > 0) print(nav, false, navigatorLines);
      }
      for (const f of failures) console.error(`connection test failed [${f.type}]: ${f.message}`);
      if (failures[0]) process.exitCode = failures[0].code;
    });
}
