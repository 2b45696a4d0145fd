/**
 * Where a job's inventory goes. Two destinations share one state store (links, run log,
 * quarantine, seen sets, the batch ledger, all in SQL):
 * - `store`: the SQL store's own tables (computers, hardware, discovered_installations), written
 *   by the page step's `applyDevicePage` in the same transaction as the state; nothing more to do;
 * - `navigator`: an Alloy Navigator Express, through its REST API: the state records are pushed
 *   into it (create / adopt / update, exactly once), its retirements are read back, and verify
 *   lists it.
 */
import type { SyncJobConfig } from '../../common/sync-types';
import type { ActivityDeps } from '../deps';
import type { NavigatorTarget } from './navigator/push';

export type DestinationKind = 'store' | 'navigator';

export function destinationKind(job: SyncJobConfig): DestinationKind {
  return job.navigator ? 'navigator' : 'store';
}

/** The job's Navigator (its client built in the worker), or undefined for a store job. */
export function navigatorTarget(deps: ActivityDeps, job: SyncJobConfig): NavigatorTarget | undefined {
  if (!job.navigator) return undefined;
  if (!deps.navigatorFor) throw new Error('this worker was built without Navigator clients');
  return deps.navigatorFor(job.navigator, job.id);
}
