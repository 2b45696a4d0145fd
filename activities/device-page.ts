/**
 * The page step: read one device-list page, fetch details and software only for devices
 * whose `lastSeen` changed since the last run (or all, on a full pass), filter, and upsert them
 * in batches, heartbeating a cursor after each batch so a retry resumes where it stopped.
 * Returns counts only; the devices themselves never leave the worker.
 *
 * Batches are sized by what they cost: as many devices as take about two seconds to read
 * (learned from the batch before, between 25 and the whole page), so a fast site gets one
 * transaction per page and a slow one still commits, and heartbeats, every few seconds.
 */
import { DEVICE_SKIP, emptyTotals, SAMPLE_SIZE } from '../common/counts';
import type { PassTotals, RateShare, RateUsed, SyncJobConfig } from '../common/sync-types';
import type { AlloyScanClient } from './alloyscan/client-types';
import type { AlloyScanError } from './alloyscan/errors';
import type { RateBudget } from './alloyscan/rate-budget';
import type { ActivityDeps } from './deps';
import { mergeCounts } from './filter';
import { Heartbeats } from './heartbeats';
import { activityMeter, METRIC } from './metrics';
import type { StoredDeviceState } from './store/store-types';
import { processBatch } from './page-batch';
import { CURSOR_VERSION, mergeBatch, retryLater, type PageCursor } from './page-cursor';
import { carriedRate, pageBudget } from './page-rate';
import { followRateShare } from './rate-share';
import { throttledRetry } from './read-device';
import { asActivity, heartbeat, lastHeartbeat } from './run-helpers';
import { pushStale } from './navigator-steps';

export interface DevicePageInput {
  job: SyncJobConfig;
  runId: string;
  offset: number;
  limit: number;
  full: boolean;
  dryRun: boolean;
  trackedGroups: string[];
  /** This page's share of the job's request rate (absent in histories recorded before it). */
  rate?: RateShare;
  /**
   * A re-list sweep (1…) of a list that moved while the pass read it: only devices new to
   * the run are processed and counted; repeats are expected, and malformed items were the
   * pass's to quarantine. Absent: the pass.
   */
  sweep?: number;
}

export interface DevicePageOutput extends PassTotals {
  offset: number;
  limit: number;
  received: number;
  total: number;
  /** Where this page's rate budget ended, and the 429s it met. */
  rate?: RateUsed;
}

const BATCH = { first: 100, min: 25, targetMs: 2_000 };

export function createProcessDevicePage(deps: ActivityDeps) {
  /** Read, filter and upsert one page of the device list, resuming from the last heartbeated batch. */
  return async function processDevicePage(input: DevicePageInput): Promise<DevicePageOutput> {
    return asActivity(async () => {
      const budget = pageBudget(input);
      const client = deps.clientFor(input.job, budget);
      const beats = new Heartbeats<PageCursor>();
      const started = Date.now();
      const stopFollowing = followRateShare(budget);
      try {
        const out = await runPage(deps, client, input, beats, budget);
        activityMeter()
          ?.createHistogram(METRIC.pageDuration, 'int', 'ms', 'Time a page attempt took to finish')
          .record(Date.now() - started, { job: input.job.id });
        return out;
      } finally {
        stopFollowing();
        beats.stop();
      }
    });
  };
}

async function runPage(
  deps: ActivityDeps,
  client: AlloyScanClient,
  input: DevicePageInput,
  beats: Heartbeats<PageCursor>,
  budget: RateBudget,
): Promise<DevicePageOutput> {
  const resumed = lastHeartbeat<PageCursor>();
  const cur = resumed?.v === CURSOR_VERSION ? resumed : await startOrKeepRate(deps, client, input, budget);
  // Counted from here: the listing's calls are in the cursor already.
  let base = client.apiCalls;
  const countCalls = (): void => {
    cur.apiCalls += client.apiCalls - base;
    base = client.apiCalls;
  };
  beats.track(cur);
  const malformedProducts = new Set<string>();
  let transient: AlloyScanError | undefined;
  // A Navigator destination: each committed batch goes there while the next one is read. The
  // pushes run one after another; the attempt never ends (nor fails) with one still in flight.
  const toNavigator = input.job.navigator !== undefined && !input.dryRun;
  let pushing: Promise<void> = Promise.resolve();
  try {
    while (cur.done < cur.toRead.length) {
      const size = cur.batchSize ?? BATCH.first;
      const ids = cur.toRead.slice(cur.done, cur.done + size);
      const started = Date.now();
      const out = await processBatch(deps, client, input, ids, cur, malformedProducts);
      // Merge only after the batch committed, so a heartbeat never counts uncommitted work.
      mergeBatch(cur, out);
      transient = out.transient ?? transient;
      cur.done += ids.length;
      cur.batchSize = nextBatchSize(ids.length, Date.now() - started, input.limit);
      countCalls();
      cur.rate = carriedRate(budget);
      beats.moved();
      if (toNavigator) {
        const next = pushing.then(() => pushStale(deps, input, ids, () => beats.moved()));
        next.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
        pushing = next;
      }
    }
  } finally {
    await pushing.catch(() => undefined);
  }
  await pushing;
  if (cur.retry.length) {
    const err = retryLater(cur, transient);
    cur.rate = carriedRate(budget);
    beats.flush();
    throw err;
  }
  // A resumed attempt: what its predecessor's batches committed without pushing (a fresh attempt
  // pushed every batch above; the push step after the pass catches whatever a killed attempt left).
  if (toNavigator && resumed?.v === CURSOR_VERSION)
    await pushStale(deps, input, cur.toRead, () => beats.moved());
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
    rate: carriedRate(budget),
  };
}

/** startPage; an attempt that fails before it has a cursor still hands its rate and 429s to the next. */
async function startOrKeepRate(
  deps: ActivityDeps,
  client: AlloyScanClient,
  input: DevicePageInput,
  budget: RateBudget,
): Promise<PageCursor> {
  try {
    return await startPage(deps, client, input);
  } catch (err) {
    heartbeat({ rate: carriedRate(budget) });
    throw err;
  }
}

/** As many devices as take about BATCH.targetMs, from what the last batch cost. */
function nextBatchSize(devices: number, tookMs: number, pageLimit: number): number {
  const perDevice = Math.max(tookMs, 1) / Math.max(devices, 1);
  return Math.round(
    Math.min(Math.max(pageLimit, BATCH.min), Math.max(BATCH.min, BATCH.targetMs / perDevice)),
  );
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
  const page = await throttledRetry(() => client.listDevices({ offset: input.offset, limit: input.limit }));
  const totals = emptyTotals();
  const counts = totals.counts;
  const ids = page.items.map((d) => d.id);
  const sweep = input.sweep ?? 0;
  const repeats = await deps.store.markSeen(job.id, runId, input.offset, ids, sweep);
  const fresh = page.items.filter((d) => !repeats.has(d.id));
  counts.listed = sweep ? fresh.length : page.items.length;
  counts.duplicates = sweep ? 0 : repeats.size;
  const quarantined = sweep ? [] : page.quarantined;
  const quarantinedIds = quarantined.map((q) => q.sourceId);
  const states = await deps.store.getDeviceStates(job.id, [...fresh.map((d) => d.id), ...quarantinedIds]);
  const changed = fresh.filter((d) => input.full || !d.lastSeen || states.get(d.id)?.lastSeen !== d.lastSeen);
  counts.unchanged = fresh.length - changed.length;
  if (quarantined.length) {
    if (!input.dryRun) await deps.store.saveQuarantine(job.id, runId, quarantined);
    mergeCounts(counts.skipped, { [DEVICE_SKIP.quarantined]: quarantined.length });
    counts.notStored += quarantinedIds.filter((id) => !isLive(states.get(id))).length;
  }
  return {
    ...totals,
    v: CURSOR_VERSION,
    received: page.received,
    total: page.total,
    toRead: changed.map((d) => d.id),
    known: changed.filter((d) => isLive(states.get(d.id))).map((d) => d.id),
    done: 0,
    round: 0,
    retry: [],
    quarantined: quarantined.length,
    quarantineSample: quarantined.slice(0, SAMPLE_SIZE),
    apiCalls: client.apiCalls - before,
  };
}
