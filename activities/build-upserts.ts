/**
 * From what the API returned for a batch of devices to what the store writes: software
 * groups for every product the snapshots name (products the catalog step did not store are
 * read one by one), the filter, and the Navigator shape of each device with its content hash.
 *
 * A product found malformed is quarantined once per run: it is remembered (in the store, so a
 * resumed attempt knows it too) and never fetched again. A product whose look-up failed
 * transiently holds back only the devices that install it: they are read again in the next
 * round, while the rest of the batch is committed.
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
import { type AlloyScanError, QuarantineError } from './alloyscan/errors';
import type { ActivityDeps } from './deps';
import { filterInstallations, mergeCounts } from './filter';
import { isTransient } from './read-device';
import { mapLimit } from './run-helpers';

export interface DeviceRead {
  detail: SourceDeviceDetail;
  snapshot: SourceSnapshot | undefined;
}

export interface BuildContext {
  deps: ActivityDeps;
  client: AlloyScanClient;
  job: SyncJobConfig;
  runId: string;
  dryRun: boolean;
  trackedGroups: string[];
  /** Products found malformed in this attempt (a dry run keeps them only here). */
  malformedProducts: Set<string>;
}

export interface BuildResult {
  upserts: DeviceUpsert[];
  /** Malformed catalog products met for the first time in this run. */
  quarantine: QuarantinedRecord[];
  /** Devices held back: one of their products could not be looked up (transient). */
  retry: string[];
  transient?: AlloyScanError | undefined;
}

type ProductRead =
  | { kind: 'ok'; product: SourceProduct }
  | { kind: 'quarantine'; record: QuarantinedRecord }
  | { kind: 'transient'; id: string; error: AlloyScanError };

async function readProduct(client: AlloyScanClient, id: string): Promise<ProductRead | undefined> {
  try {
    const product = await client.getProduct(id);
    return product && { kind: 'ok', product };
  } catch (err) {
    if (err instanceof QuarantineError) return { kind: 'quarantine', record: err.record };
    if (isTransient(err)) return { kind: 'transient', id, error: err };
    throw err;
  }
}

interface Groups {
  groups: Map<string, string>;
  quarantine: QuarantinedRecord[];
  unresolved: Set<string>;
  transient?: AlloyScanError | undefined;
}

/** Software group of every product id; products the catalog step did not store are read directly. */
async function productGroups(ctx: BuildContext, ids: string[]): Promise<Groups> {
  const { deps, job } = ctx;
  const groups = await deps.store.getProductGroups(job.id, ids);
  let unknown = ids.filter((id) => !groups.has(id) && !ctx.malformedProducts.has(id));
  if (unknown.length > 0 && !ctx.dryRun) {
    // Found malformed by the catalog listing ('software') or by an earlier batch ('product').
    const known = await deps.store.quarantinedIds(job.id, ctx.runId, ['software', 'product'], unknown);
    for (const id of known) ctx.malformedProducts.add(id);
    unknown = unknown.filter((id) => !known.has(id));
  }
  const out: Groups = { groups, quarantine: [], unresolved: new Set() };
  const found: SourceProduct[] = [];
  for (const read of await mapLimit(unknown, 4, (id) => readProduct(ctx.client, id))) {
    if (read?.kind === 'ok') found.push(read.product);
    else if (read?.kind === 'quarantine') {
      ctx.malformedProducts.add(read.record.sourceId);
      if (!(await listedMalformed(ctx, read.record))) out.quarantine.push(read.record);
    } else if (read?.kind === 'transient') {
      out.unresolved.add(read.id);
      out.transient = read.error;
    }
  }
  for (const p of found) groups.set(p.id, p.softwareGroup);
  if (found.length && !ctx.dryRun) await deps.store.upsertCatalog(job.id, found);
  return out;
}

/**
 * A product without an id is quarantined by the catalog listing under its position
 * (`software?offset=0#4`). When a snapshot names it and the look-up finds the same record (the
 * same excerpt), that row gets the id: counted once, and found by id in later batches.
 */
async function listedMalformed(ctx: BuildContext, record: QuarantinedRecord): Promise<boolean> {
  if (ctx.dryRun) return false;
  return ctx.deps.store.nameQuarantinedRecord({
    jobId: ctx.job.id,
    runId: ctx.runId,
    kind: 'software',
    rawExcerpt: record.rawExcerpt,
    sourceId: record.sourceId,
  });
}

/** Filter each device's installations and build its upsert; skipped installations are counted by reason. */
export async function buildUpserts(
  ctx: BuildContext,
  reads: DeviceRead[],
  counts: PageCounts,
): Promise<BuildResult> {
  const ids = [...new Set(reads.flatMap((r) => r.snapshot?.software.map((s) => s.productId) ?? []))];
  const { groups, quarantine, unresolved, transient } = await productGroups(ctx, ids);
  const filter = {
    importSoftware: ctx.job.importSoftware,
    trackedGroups: new Set(ctx.trackedGroups),
    productGroups: groups,
    malformedProducts: ctx.malformedProducts,
  };
  const result: BuildResult = { upserts: [], quarantine, retry: [], transient };
  for (const { detail, snapshot } of reads) {
    if (snapshot?.software.some((s) => unresolved.has(s.productId))) {
      result.retry.push(detail.id);
      continue;
    }
    const platform = snapshot?.operatingSystem?.platform;
    const { kept, skipped } = filterInstallations(snapshot?.software ?? [], platform, filter);
    mergeCounts(counts.skipped, skipped);
    counts.installationsKept += kept.length;
    result.upserts.push(toUpsert(detail, snapshot, kept));
  }
  return result;
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
