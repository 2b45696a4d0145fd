/**
 * A job's connection check, as `test-connection` and the worker at start-up make it: the
 * secret is readable, the site answers the AlloyScan API (not HTML, not a refused connection),
 * a token is granted, and the device list and software groups can be read. Three calls.
 */
import type { SyncJobConfig } from '../common/sync-types';
import type { FailureType } from '../common/failure-types';
import { exitFor } from './exit-codes';
import { realClientFor } from './site-client';

/** A connection check answers within seconds: a site that does not answer in this long is not reachable. */
export const CHECK_TIMEOUT_MS = 4_000;

export type JobCheck =
  | {
      jobId: string;
      ok: true;
      site: string;
      devices: number;
      trackedGroups: string[];
      trackedGroupsSource: 'site' | 'config';
    }
  | { jobId: string; ok: false; site: string; type: FailureType; message: string; code: number };

export async function checkJob(job: SyncJobConfig, timeoutMs = CHECK_TIMEOUT_MS): Promise<JobCheck> {
  try {
    const client = realClientFor(job, { timeoutMs });
    await client.authenticate();
    const devices = await client.listDevices({ offset: 0, limit: 1 });
    const groups = await client.listSoftwareGroups();
    return {
      jobId: job.id,
      ok: true,
      site: job.siteUrl,
      devices: devices.total,
      trackedGroups: groups ? groups.filter((g) => g.trackInNavigator).map((g) => g.name) : job.trackedGroups,
      trackedGroupsSource: groups ? 'site' : 'config',
    };
  } catch (err) {
    const exit = exitFor(err);
    return {
      jobId: job.id,
      ok: false,
      site: job.siteUrl,
      type: exit.type,
      message: exit.message,
      code: exit.code,
    };
  }
}

/** The worker's start-up line for a job's check. */
export function checkLine(c: JobCheck): string {
  return c.ok
    ? `job ${c.jobId}: connection OK (${c.site}, ${c.devices} devices)`
    : `job ${c.jobId}: connection check FAILED [${c.type}]: ${c.message} (its runs will fail until this is fixed)`;
}
