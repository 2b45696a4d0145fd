/**
 * The page step: read one device-list page, fetch details and software only for devices
 * whose audit changed since the last run (or all, on a full pass), filter, and upsert them
 * in batches, heartbeating a cursor after each batch so a retry resumes where it stopped.
 * Returns counts only; the devices themselves never leave the worker.
 */
import { DEVICE_SKIP, emptyCounts } from '../common/counts';
import type { QuarantinedRecord } from '../common/domain';
import { FailureType } from '../common/failure-types';
import type { PageCounts, SyncJobConfig } from '../common/sync-types';
import type { AlloyScanClient } from './alloyscan/client-types';
import { AlloyScanError, QuarantineError } from './alloyscan/errors';
import { buildUpserts, type DeviceRead } from './build-upserts';
import type { ActivityDeps } from './deps';
import { mergeCounts } from './filter';
import { asActivity, heartbeat, lastHeartbeat, mapLimit } from './run-helpers';

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
  | ({ kind: 'ok' } & DeviceRead)
  | { kind: 'retry'; id: string; error: AlloyScanError }
  | { kind: 'skip'; reason: string }
  | { kind: 'quarantine'; record: QuarantinedRecord };

const { vanished: VANISHED, snapshotVanished: SNAPSHOT_VANISHED, quarantined: QUARANTINED } = DEVICE_SKIP;
const PRODUCT_QUARANTINED = 'quarantined catalog product (malformed)';

/** Where a page attempt got to: a retry resumes here instead of re-reading the whole page. */
interface PageCursor {
  received: number;
  total: number;
  /** Devices of the page whose details must be read (changed, or all on a full pass). */
  toRead: string[];
  done: number;
  /** Devices whose read failed transiently in this attempt: the next attempt reads only these. */
  retry: string[];
  counts: PageCounts;
  quarantined: number;
  quarantineSample: QuarantinedRecord[];
  apiCalls: number;
  samples: { added: string[]; updated: string[] };
}

/** Devices read and upserted per store transaction and heartbeat: a retry loses at most one batch. */
const SUB_BATCH = 25;

export function createProcessDevicePage(deps: ActivityDeps) {
  /** Read, filter and upsert one page of the device list, heartbeating after each batch of devices. */
  return async function processDevicePage(input: DevicePageInput): Promise<DevicePageOutput> {
    return asActivity(async () => {
      const client = deps.clientFor(input.job);
      let base = client.apiCalls;
      const cur = lastHeartbeat<PageCursor>() ?? (await startPage(deps, client, input));
      let transient: AlloyScanError | undefined;
      while (cur.done < cur.toRead.length) {
        const batch = cur.toRead.slice(cur.done, cur.done + SUB_BATCH);
        transient = (await processBatch(deps, client, input, batch, cur)) ?? transient;
        cur.done += batch.length;
        cur.apiCalls += client.apiCalls - base;
        base = client.apiCalls;
        heartbeat(cur);
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
  const states = await deps.store.getDeviceStates(
    job.id,
    fresh.map((d) => d.id),
  );
  const changed = fresh.filter((d) => input.full || !d.lastSeen || states.get(d.id)?.lastSeen !== d.lastSeen);
  counts.unchanged = fresh.length - changed.length;
  if (page.quarantined.length) {
    if (!input.dryRun) await deps.store.saveQuarantine(job.id, runId, page.quarantined);
    mergeCounts(counts.skipped, { [QUARANTINED]: page.quarantined.length });
  }
  const cur: PageCursor = {
    received: page.received,
    total: page.total,
    toRead: changed.map((d) => d.id),
    done: 0,
    retry: [],
    counts,
    quarantined: page.quarantined.length,
    quarantineSample: page.quarantined.slice(0, 5),
    apiCalls: client.apiCalls - before,
    samples: { added: [], updated: [] },
  };
  heartbeat(cur);
  return cur;
}

/** Read details + snapshots of a batch, filter, and apply it to the store in one transaction. */
async function processBatch(
  deps: ActivityDeps,
  client: AlloyScanClient,
  input: DevicePageInput,
  ids: string[],
  cur: PageCursor,
): Promise<AlloyScanError | undefined> {
  let lastTransient: AlloyScanError | undefined;
  const reads = await mapLimit(ids, deps.detailConcurrency ?? 8, (id) => readDevice(client, id));
  const counts = cur.counts;
  const ok: Extract<Read, { kind: 'ok' }>[] = [];
  const quarantine: QuarantinedRecord[] = [];
  for (const r of reads) {
    if (r.kind === 'retry') {
      cur.retry.push(r.id);
      lastTransient = r.error;
      continue;
    }
    counts.detailsRead++;
    if (r.kind === 'ok') ok.push(r);
    else if (r.kind === 'skip') mergeCounts(counts.skipped, { [r.reason]: 1 });
    else quarantine.push(r.record);
  }
  const productQuarantine: QuarantinedRecord[] = [];
  const ctx = {
    deps,
    client,
    job: input.job,
    dryRun: input.dryRun,
    trackedGroups: input.trackedGroups,
    quarantine: productQuarantine,
  };
  const upserts = await buildUpserts(ctx, ok, counts);
  const res = await deps.store.applyDevicePage(input.job.id, upserts, {
    dryRun: input.dryRun,
    sampleSize: 5,
  });
  if (quarantine.length) mergeCounts(counts.skipped, { [QUARANTINED]: quarantine.length });
  if (productQuarantine.length)
    mergeCounts(counts.skipped, { [PRODUCT_QUARANTINED]: productQuarantine.length });
  const all = [...quarantine, ...productQuarantine];
  if (all.length) {
    if (!input.dryRun) await deps.store.saveQuarantine(input.job.id, input.runId, all);
    cur.quarantined += all.length;
    cur.quarantineSample.push(...all.slice(0, Math.max(0, 5 - cur.quarantineSample.length)));
  }
  counts.added += res.added;
  counts.updated += res.updated;
  counts.unchanged += res.unchanged;
  counts.installationsAdded += res.installationsAdded;
  counts.installationsUpdated += res.installationsUpdated;
  counts.installationsRemoved += res.installationsRemoved;
  mergeCounts(counts.adopted, res.adopted);
  cur.samples.added.push(...res.samples.added.slice(0, Math.max(0, 5 - cur.samples.added.length)));
  cur.samples.updated.push(...res.samples.updated.slice(0, Math.max(0, 5 - cur.samples.updated.length)));
  return lastTransient;
}

/**
 * The devices that failed transiently (429, 5xx, resets) become the whole of the next
 * attempt's work: every attempt makes progress, and Temporal's backoff (or Retry-After)
 * paces the retries.
 */
function retryLater(cur: PageCursor, last: AlloyScanError | undefined): AlloyScanError {
  const err = last ?? new AlloyScanError(FailureType.Transient, 'device reads failed transiently');
  const left = cur.retry.length;
  Object.assign(cur, { toRead: cur.retry, done: 0, retry: [] });
  heartbeat(cur);
  return new AlloyScanError(err.type, `${left} device reads failed (${err.message}); retrying only those`, {
    retryAfterMs: err.retryAfterMs,
    status: err.status,
  });
}

async function readDevice(client: AlloyScanClient, id: string): Promise<Read> {
  try {
    const detail = await client.getDevice(id);
    if (!detail) return { kind: 'skip', reason: VANISHED };
    if (!detail.auditId) return { kind: 'ok', detail, snapshot: undefined };
    const snapshot = await client.getSnapshot(detail.auditId);
    if (!snapshot) return { kind: 'skip', reason: SNAPSHOT_VANISHED };
    return { kind: 'ok', detail, snapshot };
  } catch (err) {
    if (err instanceof QuarantineError) return { kind: 'quarantine', record: err.record };
    if (
      err instanceof AlloyScanError &&
      (err.type === FailureType.Transient || err.type === FailureType.RateLimited)
    ) {
      return { kind: 'retry', id, error: err };
    }
    throw err;
  }
}
