/**
 * Workload-limit subcommands of the emulator CLI: set a running site's limits, and read
 * its traffic meter (what a client really sent, per second).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { admin, print, siteCommand, type SiteOpt } from './cli-admin';
import type { WorkloadLimit } from './workload-limit';

export function positiveIntOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/** Flags without a value are left out, so the site's own defaults apply. */
export function workloadLimit(perSecond?: number, perMinute?: number, retryAfter?: boolean): WorkloadLimit {
  const limit: WorkloadLimit = { perSecond, perMinute, retryAfter };
  return Object.fromEntries(Object.entries(limit).filter(([, v]) => v !== undefined));
}

export function describeLimit(limit: WorkloadLimit): string {
  const parts = [
    limit.perSecond !== undefined && `${limit.perSecond}/s`,
    limit.perMinute !== undefined && `${limit.perMinute}/min`,
  ].filter((p) => p !== false);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** Adds the workload-limit and traffic subcommands to the program. */
export function addWorkloadCommands(program: Command): void {
  siteCommand(program, 'workload-limit', 'replace the workload limits (no limit flag = no limit)')
    .option('--per-second <n>', 'requests admitted per wall-clock second', positiveIntOption)
    .option('--per-minute <n>', 'requests admitted per wall-clock minute', positiveIntOption)
    .option('--no-retry-after', 'answer 429 without a Retry-After header')
    .action(async (o: SiteOpt & { perSecond?: number; perMinute?: number; retryAfter: boolean }) => {
      const limit = workloadLimit(o.perSecond, o.perMinute, o.retryAfter);
      await admin(o.url, 'PUT', `/${o.site}/workload-limit`, limit);
      console.log(`workload limit: ${describeLimit(limit)}`);
    });
  siteCommand(program, 'traffic', 'print requests received/admitted/rejected per second (last hour)').action(
    async (o: SiteOpt) => {
      print(await admin(o.url, 'GET', `/${o.site}/traffic`));
    },
  );
}
