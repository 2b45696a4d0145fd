/** What the activities are built from: injected by worker/, faked or real in tests. */
import type { SyncJobConfig } from '../common/sync-types';
import type { AlloyScanClient } from './alloyscan/client-types';
import type { NavigatorStore } from './navigator/store-types';

export interface ActivityDeps {
  store: NavigatorStore;
  /** An API client for the job's site and App registration (secret resolved inside the worker). */
  clientFor(job: SyncJobConfig): AlloyScanClient;
  /** Device details read at once within one page activity. Default 8. */
  detailConcurrency?: number;
  /** Clock, for tests. */
  now?: () => Date;
}
