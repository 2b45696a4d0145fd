/**
 * The Software Installations part of the Navigator steps: written at the end of `pushNavigator`
 * (after every device has its record, so each installation's Computer is known), counted and
 * listed against Navigator in `verifyNavigator`. With no installation class and Template
 * configured, the installations stay in the sync store and the report says so.
 */
import type { NavigatorInstallationReport } from '../common/sync-types';
import { verifyInstallations } from './destination/navigator/installation-verify';
import { installationClass, listCatalog, pushInstallations } from './destination/navigator/installations';
import type { NavigatorTarget } from './destination/navigator/push';
import type { SyncStore } from './store/store-types';

const DEVICE_CHUNK = 50;

/** Writes the installations of every linked device that lacks them; `moved` after each chunk. */
export async function pushAllInstallations(
  store: SyncStore,
  target: NavigatorTarget,
  jobId: string,
  runId: string,
  moved: () => void,
): Promise<void> {
  if (!installationClass(target)) return;
  await store.navigator.reconcileInstallationLinks(jobId, runId);
  let catalog: Promise<ReadonlyMap<string, readonly string[]>> | undefined;
  const loadCatalog = async (): Promise<ReadonlyMap<string, readonly string[]>> => {
    const { index, calls } = await listCatalog(target, moved);
    await store.navigator.addRunStats(jobId, runId, { apiCalls: calls });
    return index;
  };
  const ctx = { store, target, jobId, runId, catalog: () => (catalog ??= loadCatalog()) };
  let after: string | undefined;
  for (;;) {
    const devices = await store.navigator.installationsToPush(jobId, runId, { after, limit: DEVICE_CHUNK });
    if (devices.length === 0) return;
    await pushInstallations(ctx, devices);
    after = devices.at(-1)?.sourceId;
    moved();
    if (devices.length < DEVICE_CHUNK) return;
  }
}

/** Why installations were not written, in words (the report's `installationsReason`). */
function reasonText(n: NavigatorInstallationReport['notWritten']): string {
  const parts = [
    n.notInCatalog && `${n.notInCatalog} of products not in Navigator's Software Catalog`,
    n.ambiguousProduct && `${n.ambiguousProduct} of products the catalog holds more than once`,
    n.deviceNotLinked &&
      `${n.deviceNotLinked} on devices with no Navigator record (refused, ambiguous or not pushed)`,
    n.refused && `${n.refused} refused by Navigator`,
    n.pending && `${n.pending} not tried yet`,
  ].filter(Boolean);
  return parts.length ? `${parts.join(', ')}: kept in the sync store` : 'every installation is written';
}

/** The report's installation part: counted from the links, and Navigator listed against them. */
export async function installationReport(
  store: SyncStore,
  target: NavigatorTarget,
  jobId: string,
  runId: string,
  storedInstallations: number,
  onPage: () => void,
): Promise<{
  installations?: NavigatorInstallationReport;
  installationsNotWritten: number;
  installationsReason: string;
  apiCalls: number;
}> {
  const verify = await verifyInstallations(store, target, jobId, onPage);
  if (!verify)
    return {
      installationsNotWritten: storedInstallations,
      installationsReason:
        'the Navigator has no installation class and Template configured: kept in the sync store',
      apiCalls: 0,
    };
  const t = await store.navigator.installationTally(jobId, runId);
  const notWritten = {
    deviceNotLinked: t.deviceNotLinked,
    notInCatalog: t.notInCatalog,
    ambiguousProduct: t.ambiguousProduct,
    refused: t.refused,
    pending: t.pending,
  };
  const { apiCalls, ...v } = verify;
  return {
    installations: {
      created: t.created,
      adopted: t.adopted,
      unchanged: t.unchanged,
      notWritten,
      removedInAlloyScan: t.removedInAlloyScan,
      left: t.left,
      verify: v,
    },
    installationsNotWritten: Object.values(notWritten).reduce((a, b) => a + b, 0),
    installationsReason: reasonText(notWritten),
    apiCalls,
  };
}
