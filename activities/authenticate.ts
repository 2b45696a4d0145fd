/** The authenticate step: token, tracked software groups, device total, and whether this run must be full. */
import type { AuthResult, SyncJobConfig } from '../common/sync-types';
import type { ActivityDeps } from './deps';
import { asActivity } from './run-helpers';

export interface AuthenticateInput {
  job: SyncJobConfig;
  /** The run asked for a full pass (forced or configured). */
  full: boolean;
}

export type AuthenticateOutput = AuthResult;

/** A stable text of what decides which installations are imported: a change forces a full pass. */
export function filterFingerprint(job: SyncJobConfig, trackedGroups: readonly string[]): string {
  return JSON.stringify({ importSoftware: job.importSoftware, trackedGroups: [...trackedGroups].sort() });
}

export function createAuthenticate(deps: ActivityDeps) {
  /** Get a token, read the tracked software groups and the device total; record the job. */
  return async function authenticate(input: AuthenticateInput): Promise<AuthenticateOutput> {
    return asActivity(async () => {
      const { job } = input;
      const client = deps.clientFor(job);
      const before = client.apiCalls;
      await client.authenticate();
      const groups = await client.listSoftwareGroups();
      const trackedGroups = groups
        ? groups.filter((g) => g.trackInNavigator).map((g) => g.name)
        : job.trackedGroups;
      const first = await client.listDevices({ offset: 0, limit: 1 });
      await deps.store.upsertJob(job);
      const fingerprint = filterFingerprint(job, trackedGroups);
      const fullReason = await whyFull(deps, job, input.full, fingerprint);
      return {
        trackedGroups,
        trackedGroupsSource: groups ? 'site' : 'config',
        deviceTotal: first.total,
        apiCalls: client.apiCalls - before,
        full: fullReason !== undefined,
        fullReason,
        filterFingerprint: fingerprint,
        learnedRate: (await deps.store.lastSuccess(job.id))?.rate?.budget,
      };
    });
  };
}

async function whyFull(
  deps: ActivityDeps,
  job: SyncJobConfig,
  asked: boolean,
  fingerprint: string,
): Promise<string | undefined> {
  if (asked) return 'asked for';
  const last = await deps.store.lastSuccess(job.id);
  if (!last) return 'no earlier successful run';
  if (last.filterFingerprint !== fingerprint) return 'software filter or tracked groups changed';
  const pending = await deps.store.fullPassReason(job.id);
  if (pending) return pending;
  if (job.fullRunIntervalHours > 0) {
    // Asked of the store directly: a job run every 30 minutes has hundreds of runs since its last full pass.
    const lastFull = await deps.store.lastFullPass(job.id);
    const now = (deps.now ?? (() => new Date()))().getTime();
    if (!lastFull || now - Date.parse(lastFull) > job.fullRunIntervalHours * 3_600_000) {
      return `last full pass older than ${job.fullRunIntervalHours} h`;
    }
  }
  return undefined;
}
