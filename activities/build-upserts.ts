/**
 * From what the API returned for a batch of devices to what the store writes: software
 * groups for every product the snapshots name (unknown products are read one by one), the
 * filter, and the Navigator shape of each device with its content hash.
 */
import { createHash } from 'node:crypto';
import type {
  DeviceUpsert,
  QuarantinedRecord,
  SourceDeviceDetail,
  SourceProduct,
  SourceSnapshot,
} from '../common/domain';
import { COMPUTER_TYPES } from '../common/domain';
import type { PageCounts, SyncJobConfig } from '../common/sync-types';
import type { AlloyScanClient } from './alloyscan/client-types';
import { QuarantineError } from './alloyscan/errors';
import type { ActivityDeps } from './deps';
import { filterInstallations, mergeCounts } from './filter';
import { mapLimit } from './run-helpers';

export interface DeviceRead {
  detail: SourceDeviceDetail;
  snapshot: SourceSnapshot | undefined;
}

export interface BuildContext {
  deps: ActivityDeps;
  client: AlloyScanClient;
  job: SyncJobConfig;
  dryRun: boolean;
  trackedGroups: string[];
  /** Malformed catalog products met on the way are added here. */
  quarantine: QuarantinedRecord[];
}

/** One catalog product; a malformed one is quarantined and stays unknown (its installations are skipped with that reason). */
async function readProduct(ctx: BuildContext, id: string): Promise<SourceProduct | undefined> {
  try {
    return await ctx.client.getProduct(id);
  } catch (err) {
    if (!(err instanceof QuarantineError)) throw err;
    ctx.quarantine.push(err.record);
    return undefined;
  }
}

/** Software group of every product id; products the catalog step did not store are read directly. */
async function productGroups(ctx: BuildContext, ids: string[]): Promise<Map<string, string>> {
  const groups = await ctx.deps.store.getProductGroups(ctx.job.id, ids);
  const unknown = ids.filter((id) => !groups.has(id));
  const found = (await mapLimit(unknown, 4, (id) => readProduct(ctx, id))).filter((p) => p !== undefined);
  for (const p of found) groups.set(p.id, p.softwareGroup);
  if (found.length && !ctx.dryRun) await ctx.deps.store.upsertCatalog(ctx.job.id, found);
  return groups;
}

/** Filter each device's installations and build its upsert; skipped installations are counted by reason. */
export async function buildUpserts(
  ctx: BuildContext,
  reads: DeviceRead[],
  counts: PageCounts,
): Promise<DeviceUpsert[]> {
  const ids = [...new Set(reads.flatMap((r) => r.snapshot?.software.map((s) => s.productId) ?? []))];
  const filter = {
    importSoftware: ctx.job.importSoftware,
    trackedGroups: new Set(ctx.trackedGroups),
    productGroups: await productGroups(ctx, ids),
  };
  return reads.map(({ detail, snapshot }) => {
    const platform = snapshot?.operatingSystem?.platform;
    const { kept, skipped } = filterInstallations(snapshot?.software ?? [], platform, filter);
    mergeCounts(counts.skipped, skipped);
    counts.installationsKept += kept.length;
    return toUpsert(detail, snapshot, kept);
  });
}

/** The Navigator shape of a device, with a content hash over everything stored. */
export function toUpsert(
  d: SourceDeviceDetail,
  snap: SourceSnapshot | undefined,
  installations: DeviceUpsert['installations'],
): DeviceUpsert {
  const sorted = [...installations].sort((a, b) =>
    a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0,
  );
  const fields = {
    sourceId: d.id,
    kind: COMPUTER_TYPES.includes(d.type) ? ('computer' as const) : ('hardware' as const),
    name: d.name,
    dnsName: d.dnsName,
    macAddress: d.macAddress,
    ipAddress: d.ipAddress,
    serialNumber: d.serialNumber,
    assetTag: d.assetTag,
    deviceType: d.type,
    lastSeen: d.lastSeen,
    auditId: d.auditId,
    auditDate: d.auditDate,
    platform: snap?.operatingSystem?.platform,
    osName: snap?.operatingSystem?.name,
    osVersion: snap?.operatingSystem?.version,
    manufacturer: snap?.hardware?.manufacturer,
    model: snap?.hardware?.model,
  };
  const contentHash = createHash('sha256')
    .update(JSON.stringify({ ...fields, installations: sorted }))
    .digest('hex');
  return { ...fields, contentHash, installations: sorted };
}
