/** What the activities are built from: injected by worker/, faked or real in tests. */
import type { SyncJobConfig } from '../common/sync-types';
import type { AlloyScanClient } from './alloyscan/client-types';
import type { RateBudget } from './alloyscan/rate-budget';
import type { SyncStore } from './store/store-types';
import type { NavigatorTarget } from './destination/navigator/push';

export interface ActivityDeps {
  store: SyncStore;
  /**
   * An API client for the job's site and App registration (secret resolved inside the
   * worker), its calls paced by `budget` (default: the job's whole rate).
   */
  clientFor(job: SyncJobConfig, budget?: RateBudget): AlloyScanClient;
  /**
   * The job's Navigator: its configuration and an API client (secret resolved in the worker).
   * Throws a configuration error for a Navigator this worker does not know.
   */
  navigatorFor?(navigatorId: string, jobId: string): NavigatorTarget;
  /** Device details read at once within one page activity. Default 8. */
  detailConcurrency?: number;
  /** Days the run log and the quarantine are kept (`store.retentionDays`). Default 90. */
  retentionDays?: number;
  /** Clock, for tests. */
  now?: () => Date;
}
