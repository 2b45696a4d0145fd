/**
 * The page step: read one device-list page, fetch details and software only for devices
 * whose audit changed since the last run (or all, on a full pass), filter, and upsert them
 * in batches, heartbeating a cursor after each batch so a retry resumes where it stopped.
 * Returns counts only; the devices themselves never leave the worker.
 */
import { DEVICE_SKIP, emptyCounts, SAMPLE_SIZE } from '../common/counts';
import type { QuarantinedRecord } from '../common/domain';
import type { PageCounts, SyncJobConfig } from '../common/sync-types';
import type { AlloyScanClient } from './alloyscan/client-types';
import { AlloyScanError } from './alloyscan/errors';
import { buildUpserts, type DeviceRead } from './build-upserts';
import { readDevice } from './read-device';
import {
  CURSOR_VERSION,
  mergeBatch,
  retryLater,
  snapshot,
  type BatchOutcome,
  type PageCursor,
} from './page-cursor';
import type { ActivityDeps } from './deps';
import type { StoredDeviceState } from './navigator/store-types';
import { mergeCounts } from './filter';
import { asActivity, heartbeat, lastHeartbeat, mapLimit, throwIfCancelled } from './run-helpers';

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

const QUARANTINED = DEVICE_SKIP.quarantined;
const PRODUCT_QUARANTINED = 'quarantined catalog product (malformed)';

/** Devices read and upserted per store transaction: a retry redoes at most one batch. */
const SUB_BATCH = 25;

export function createProcessDevicePage(deps: ActivityDeps) {
  /** Read, filter and upsert one page of the device list, resuming from the last heartbeated batch. */
  return async function processDevicePage(input: DevicePageInput): Promise<DevicePageOutput> {
    return asActivity(async () => {
      const client = deps.clientFor(input.job);
      let base = client.apiCalls;
      const resumed = lastHeartbeat<PageCursor>();
      const cur = resumed?.v === CURSOR_VERSION ? resumed : await startPage(deps, client, input);
      let transient: AlloyScanError | undefined;
      while (cur.done < cur.toRead.length) {
        const ids = cur.toRead.slice(cur.done, cur.done + SUB_BATCH);
        const out = await processBatch(deps, client, input, ids, cur);
        // Merge only after the batch committed, so a heartbeat never counts uncommitted work.
        mergeBatch(cur, out);
        transient = out.transient ?? transient;
        cur.done += ids.length;
        cur.apiCalls += client.apiCalls - base;
        base = client.apiCalls;
        heartbeat(snapshot(cur));
      }
      if (cur.retry.length) throw retryLater(cur, transient);
      cur.apiCalls += client.apiCalls - base;
      const { received, total, counts, quarantined, quarantineSample, apiCalls, samples } = cur;
      return {
        offset: input.offset,
        limit: input.limit,
        received,
        total,
        counts,
        quarantined,
        quarantineSample,
        apiCalls,
        samples,
      };
    });
  };
}

/** A stored, live record (one flagged missing comes back without its hash: it is not imported). */
function isLive(state: StoredDeviceState | undefined): boolean {
  return state?.contentHash !== undefined;
}

/** List the page, mark its devices seen, and decide which need their details read. */
async function startPage(
  deps: ActivityDeps,
  client: AlloyScanClient,
  input: DevicePageInput,
): Promise<PageCursor> {
  const { job, runId } = input;
  const before = client.apiCalls;
  const page = await client.listDevices({ offset: input.offset, limit: input.limit });
  const counts = emptyCounts();
  counts.listed = page.items.length;
  const repeats = await deps.store.markSeen(
    job.id,
    runId,
    input.offset,
    page.items.map((d) => d.id),
  );
  counts.duplicates = repeats.size;
  const fresh = page.items.filter((d) => !repeats.has(d.id));
  const quarantinedIds = page.quarantined.map((q) => q.sourceId);
  const states = await deps.store.getDeviceStates(job.id, [...fresh.map((d) => d.id), ...quarantinedIds]);
  const changed = fresh.filter((d) => input.full || !d.lastSeen || states.get(d.id)?.lastSeen !== d.lastSeen);
  counts.unchanged = fresh.length - changed.length;
  if (page.quarantined.length) {
    if (!input.dryRun) await deps.store.saveQuarantine(job.id, runId, page.quarantined);
    mergeCounts(counts.skipped, { [QUARANTINED]: page.quarantined.length });
    counts.notStored += quarantinedIds.filter((id) => !isLive(states.get(id))).length;
  }
  const cur: PageCursor = {
    v: CURSOR_VERSION,
    received: page.received,
    total: page.total,
    toRead: changed.map((d) => d.id),
    known: changed.filter((d) => isLive(states.get(d.id))).map((d) => d.id),
    done: 0,
    round: 0,
    retry: [],
    counts,
    quarantined: page.quarantined.length,
    quarantineSample: page.quarantined.slice(0, SAMPLE_SIZE),
    apiCalls: client.apiCalls - before,
    samples: { added: [], updated: [] },
  };
  heartbeat(snapshot(cur));
  return cur;
}

/** Read details + snapshots of a batch, filter, and apply it to the store in one transaction. */
async function processBatch(
  deps: ActivityDeps,
  client: AlloyScanClient,
  input: DevicePageInput,
  ids: string[],
  cur: PageCursor,
): Promise<BatchOutcome> {
  const progress = snapshot(cur);
  const reads = await mapLimit(ids, deps.detailConcurrency ?? 8, async (id) => {
    const r = await readDevice(client, id);
    heartbeat(progress); // liveness while a slow site answers; the cursor itself moves per batch
    return r;
  });
  const counts = emptyCounts();
  const out: BatchOutcome = { counts, quarantine: [], samples: { added: [], updated: [] }, retry: [] };
  const ok: DeviceRead[] = [];
  const known = new Set(cur.known);
  for (const r of reads) {
    if (r.kind === 'retry') {
      out.retry.push(r.id);
      out.transient = r.error;
      continue;
    }
    counts.detailsRead++;
    if (r.kind === 'ok') ok.push(r);
    else {
      if (r.kind === 'skip') mergeCounts(counts.skipped, { [r.reason]: 1 });
      else out.quarantine.push(r.record);
      if (!known.has(r.id)) counts.notStored++;
    }
  }
  const ctx = {
    deps,
    client,
    job: input.job,
    dryRun: input.dryRun,
    trackedGroups: input.trackedGroups,
    quarantine: [],
  };
  const upserts = await buildUpserts(ctx, ok, counts);
  throwIfCancelled(); // an attempt the server already gave up on must not commit beside its retry
  const res = await deps.store.applyDevicePage(input.job.id, upserts, {
    dryRun: input.dryRun,
    sampleSize: SAMPLE_SIZE,
    batch: { runId: input.runId, key: `${input.offset}:${cur.round}:${cur.done}` },
  });
  if (out.quarantine.length) mergeCounts(counts.skipped, { [QUARANTINED]: out.quarantine.length });
  if (ctx.quarantine.length) mergeCounts(counts.skipped, { [PRODUCT_QUARANTINED]: ctx.quarantine.length });
  out.quarantine.push(...ctx.quarantine);
  if (out.quarantine.length && !input.dryRun)
    await deps.store.saveQuarantine(input.job.id, input.runId, out.quarantine);
  Object.assign(counts, {
    added: res.added,
    updated: res.updated,
    unchanged: res.unchanged,
    installationsAdded: res.installationsAdded,
    installationsUpdated: res.installationsUpdated,
    installationsRemoved: res.installationsRemoved,
  });
  mergeCounts(counts.adopted, res.adopted);
  out.samples = res.samples;
  return out;
}
