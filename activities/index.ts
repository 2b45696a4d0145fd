/** All sync activities, built from injected dependencies (only worker/ builds the real ones). */
import { createAuthenticate } from './authenticate';
import { createSyncCatalog } from './catalog';
import type { ActivityDeps } from './deps';
import { createProcessDevicePage } from './device-page';
import { createRecordRun, createVerifyCounts } from './report';
import { findEarlierRun, forwardForce } from './find-other-run';
import { createFlagMissing, createRetireWriteBack } from './retire';
import { createNavigatorSteps } from './navigator-steps';

export function createActivities(deps: ActivityDeps) {
  return {
    authenticate: createAuthenticate(deps),
    syncCatalog: createSyncCatalog(deps),
    processDevicePage: createProcessDevicePage(deps),
    retireWriteBack: createRetireWriteBack(deps),
    flagMissing: createFlagMissing(deps),
    verifyCounts: createVerifyCounts(deps),
    recordRun: createRecordRun(deps),
    ...createNavigatorSteps(deps),
    findEarlierRun,
    forwardForce,
  };
}

export type SyncActivities = ReturnType<typeof createActivities>;
export type { ActivityDeps } from './deps';
