/**
 * The page step: read one device-list page, fetch details and software only for devices
 * whose audit changed (or all, on a full pass), filter, and upsert the page in one batch.
 * Returns counts only; the devices themselves never leave the worker.
 */
import { createHash } from 'node:crypto';
import type { DeviceUpsert, QuarantinedRecord, SourceDevice, SourceDeviceDetail, SourceSnapshot } from '../common/domain';
import { COMPUTER_TYPES } from '../common/domain';
import type { PageCounts, SyncJobConfig } from '../common/sync-types';
import type { AlloyScanClient } from './alloyscan/client-types';
import { QuarantineError } from './alloyscan/errors';
import type { ActivityDeps } from './deps';
import { filterInstallations, mergeCounts } from './filter';
import { emptyCounts } from '../common/counts';
import { asActivity, heartbeat, mapLimit } from './run-helpers';

export interface DevicePageInput {
  job: SyncJobConfig;
  runId: string;
  offset: number;
  limit: number;
  full: boolean;
  dryRun: boolean;
  trackedGroups: string[];
}

export interface DevicePageOutput {
  offset: number;
  limit: number;
  received: number;
  total: number;
  counts: PageCounts;
  quarantined: number;
  quarantineSample: QuarantinedRecord[];
  apiCalls: number;
  samples: { added: string[]; updated: string[] };
}

type Read =
  | { kind: 'ok'; detail: SourceDeviceDetail; snapshot: SourceSnapshot | undefined }
  | { kind: 'skip'; reason: string }
  | { kind: 'quarantine'; record: QuarantinedRecord };

const VANISHED = 'device vanished during the run (404)';
const SNAPSHOT_VANISHED = 'audit snapshot vanished during the run (404)';

export function createProcessDevicePage(deps: ActivityDeps) {
  /** Read, filter and upsert one page of the device list. */
  return async function processDevicePage(input: DevicePageInput): Promise<DevicePageOutput> {
    return asActivity(async () => {
      const { job, runId } = input;
      const client = deps.clientFor(job);
      const before = client.apiCalls;
      const counts = emptyCounts();
      const page = await client.listDevices({ offset: input.offset, limit: input.limit });
      const quarantine = [...page.quarantined];
      counts.listed = page.items.length;
      const repeats = await deps.store.markSeen(job.id, runId, input.offset, page.items.map((d) => d.id));
      counts.duplicates = repeats.size;
      const fresh = page.items.filter((d) => !repeats.has(d.id));
      const states = await deps.store.getDeviceStates(job.id, fresh.map((d) => d.id));
      const changed = fresh.filter((d) => input.full || !d.lastSeen || states.get(d.id)?.lastSeen !== d.lastSeen);
      counts.unchanged = fresh.length - changed.length;
      heartbeat({ offset: input.offset, phase: 'details', devices: changed.length });
      const reads = await mapLimit(changed, deps.detailConcurrency ?? 8, (d) => readDevice(client, d));
      counts.detailsRead = changed.length;
      const ok: Extract<Read, { kind: 'ok' }>[] = [];
      for (const r of reads) {
        if (r.kind === 'ok') ok.push(r);
        else if (r.kind === 'skip') mergeCounts(counts.skipped, { [r.reason]: 1 });
        else quarantine.push(r.record);
      }
      const upserts = await buildUpserts(deps, client, input, ok, counts);
      heartbeat({ offset: input.offset, phase: 'upsert', devices: upserts.length });
      const res = await deps.store.applyDevicePage(job.id, upserts, { dryRun: input.dryRun, sampleSize: 5 });
      if (!input.dryRun && quarantine.length) await deps.store.saveQuarantine(job.id, runId, quarantine);
      Object.assign(counts, {
        added: res.added,
        updated: res.updated,
        unchanged: counts.unchanged + res.unchanged,
        installationsAdded: res.installationsAdded,
        installationsUpdated: res.installationsUpdated,
        installationsRemoved: res.installationsRemoved,
      });
      mergeCounts(counts.adopted, res.adopted as Record<string, number>);
      if (quarantine.length) mergeCounts(counts.skipped, { 'quarantined (malformed record)': quarantine.length });
      return {
        offset: input.offset,
        limit: input.limit,
        received: page.received,
        total: page.total,
        counts,
        quarantined: quarantine.length,
        quarantineSample: quarantine.slice(0, 5),
        apiCalls: client.apiCalls - before,
        samples: res.samples,
      };
    });
  };
}

async function readDevice(client: AlloyScanClient, listed: SourceDevice): Promise<Read> {
  try {
    const detail = await client.getDevice(listed.id);
    if (!detail) return { kind: 'skip', reason: VANISHED };
    if (!detail.auditId) return { kind: 'ok', detail, snapshot: undefined };
    const snapshot = await client.getSnapshot(detail.auditId);
    if (!snapshot) return { kind: 'skip', reason: SNAPSHOT_VANISHED };
    return { kind: 'ok', detail, snapshot };
  } catch (err) {
    if (err instanceof QuarantineError) return { kind: 'quarantine', record: err.record };
    throw err;
  }
}

/** Software groups for every product the page's snapshots name; unknown products are read one by one. */
async function productGroups(
  deps: ActivityDeps,
  client: AlloyScanClient,
  input: DevicePageInput,
  ids: string[],
): Promise<Map<string, string>> {
  const groups = await deps.store.getProductGroups(input.job.id, ids);
  const unknown = ids.filter((id) => !groups.has(id));
  const found = (await mapLimit(unknown, 4, (id) => client.getProduct(id))).filter((p) => p !== undefined);
  for (const p of found) groups.set(p.id, p.softwareGroup);
  if (found.length && !input.dryRun) await deps.store.upsertCatalog(input.job.id, found);
  return groups;
}

async function buildUpserts(
  deps: ActivityDeps,
  client: AlloyScanClient,
  input: DevicePageInput,
  reads: Extract<Read, { kind: 'ok' }>[],
  counts: PageCounts,
): Promise<DeviceUpsert[]> {
  const ids = [...new Set(reads.flatMap((r) => r.snapshot?.software.map((s) => s.productId) ?? []))];
  const ctx = {
    importSoftware: input.job.importSoftware,
    trackedGroups: new Set(input.trackedGroups),
    productGroups: await productGroups(deps, client, input, ids),
  };
  return reads.map(({ detail, snapshot }) => {
    const platform = snapshot?.operatingSystem?.platform;
    const { kept, skipped } = filterInstallations(snapshot?.software ?? [], platform, ctx);
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
  const sorted = [...installations].sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
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
