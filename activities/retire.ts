/**
 * The retire step. (a) Write-back: records a Navigator user retired are deleted in AlloyScan
 * when the job says `delete` (404 = already gone = done). (b) Missing: after a pass whose
 * listing covered every offset, live devices it did not list (after re-list sweeps: that the
 * final sweep did not list) are looked up one by one; only a 404 flags them missing. Devices
 * found gone while their page was read were flagged by the page step already.
 *
 * What each did is counted from the store (which run wrote a record back or flagged it, and
 * how), never from a heartbeat: a worker killed mid-step leaves counts that are still exact.
 */
import { activityInfo } from '@temporalio/activity';
import { addSample } from '../common/counts';
import type { RateShare, SyncJobConfig } from '../common/sync-types';
import type { AlloyScanClient } from './alloyscan/client-types';
import { QuarantineError } from './alloyscan/errors';
import type { ActivityDeps } from './deps';
import { Heartbeats } from './heartbeats';
import type { PendingWriteBack } from './store/store-types';
import { DETAIL_CONCURRENCY } from './page-batch';
import { asActivity, budgetFor, lastHeartbeat, mapLimit, throwIfCancelled } from './run-helpers';

export interface WriteBackInput {
  job: SyncJobConfig;
  dryRun: boolean;
  /** The run doing the write-back (absent in histories recorded before it: the workflow's run id). */
  runId?: string;
  rate?: RateShare;
}

export interface WriteBackOutput {
  deleted: number;
  alreadyGone: number;
  /** Of the deleted, those whose device the run had listed (no longer in the source it counted). */
  deletedListed?: number;
  sample: string[];
  apiCalls: number;
}

/** Cursor of the write-back: progress only (the work and its calls are recorded in the store). */
interface CallsCursor {
  v: 2;
  apiCalls: number;
}

export function createRetireWriteBack(deps: ActivityDeps) {
  /** Delete in AlloyScan the devices of records retired in Navigator (job option `delete` only). */
  return async function retireWriteBack(input: WriteBackInput): Promise<WriteBackOutput> {
    return asActivity(async () => {
      const none: WriteBackOutput = { deleted: 0, alreadyGone: 0, deletedListed: 0, sample: [], apiCalls: 0 };
      if (input.job.onRetire !== 'delete') return none;
      const pending = await deps.store.pendingWriteBacks(input.job.id);
      const sample: string[] = [];
      addSample(
        sample,
        pending.map((p) => p.name ?? p.sourceId),
      );
      if (input.dryRun) return { ...none, deleted: pending.length, sample };
      const runId = input.runId ?? activityInfo().workflowExecution?.runId ?? activityInfo().activityId;
      const resumed = lastHeartbeat<CallsCursor>();
      const cursor: CallsCursor = { v: 2, apiCalls: resumed?.v === 2 ? resumed.apiCalls : 0 };
      const client = deps.clientFor(input.job, budgetFor(input.job, input.rate));
      const calls = new CallCounter(client);
      const beats = new Heartbeats<CallsCursor>();
      beats.track(cursor);
      try {
        await mapLimit(pending, deps.detailConcurrency ?? DETAIL_CONCURRENCY, async (p) => {
          await writeBack(deps, client, p, { jobId: input.job.id, runId, calls });
          cursor.apiCalls = client.apiCalls; // progress only: the count is the store's
          beats.moved();
        });
      } finally {
        beats.stop();
        await calls.flush(deps, input.job.id, runId, 'write-back');
      }
      const tally = await deps.store.writeBackTally(input.job.id, runId);
      const apiCalls = await deps.store.runCalls(input.job.id, runId, 'write-back');
      return { ...tally, sample, apiCalls };
    });
  };
}

/**
 * The calls of one attempt, for the store's per-run counters: each DELETE or lookup is
 * counted before it goes out, with the token requests made since the last count; `flush`
 * adds what is left (a token request after the last count, a 401's repeated call).
 */
class CallCounter {
  private counted = 0;
  private tokens = 0;
  constructor(private readonly client: AlloyScanClient) {}

  /** Calls to count now for one call about to go out. */
  next(): number {
    const tokens = this.client.tokenRequests - this.tokens;
    this.tokens += tokens;
    this.counted += 1 + tokens;
    return 1 + tokens;
  }

  async flush(deps: ActivityDeps, jobId: string, runId: string, step: 'write-back' | 'missing') {
    const left = this.client.apiCalls - this.counted;
    this.counted += Math.max(0, left);
    this.tokens = this.client.tokenRequests;
    if (left > 0) await deps.store.addRunCalls(jobId, runId, step, left);
  }
}

/**
 * Delete one record's device. The intent is recorded before the DELETE goes out (with the
 * call, in the run's write-back calls): when an earlier attempt of this run sent it (its
 * answer lost to a crash or a dropped connection), the 404 this one meets is that attempt's
 * delete, not a device that was already gone.
 */
async function writeBack(
  deps: ActivityDeps,
  client: AlloyScanClient,
  p: PendingWriteBack,
  run: { jobId: string; runId: string; calls: CallCounter },
) {
  const { runId } = run;
  const sentBefore = p.deletingRun === runId;
  await deps.store.markWriteBackStarted(p.kind, p.recordId, runId, {
    jobId: run.jobId,
    calls: run.calls.next(),
  });
  const res = await client.deleteDevice(p.sourceId);
  const outcome = res === 'deleted' || sentBefore ? 'deleted' : 'already-gone';
  await deps.store.markWrittenBack(p.kind, p.recordId, { at: now(deps), runId, outcome });
}

export interface FlagMissingInput {
  job: SyncJobConfig;
  runId: string;
  dryRun: boolean;
  /** Apply even when the share of unseen devices exceeds the job's threshold. */
  confirm: boolean;
  rate?: RateShare;
  /** The run's final re-list sweep (absent or 0: the pass): records it did not list are unseen. */
  sweep?: number;
}

export interface FlagMissingOutput {
  unseen: number;
  confirmedMissing: number;
  stillPresent: number;
  flagged: number;
  thresholdExceeded: boolean;
  sample: string[];
  apiCalls: number;
}

const MISSING_CURSOR = 2;

/** `acc` absent: the attempt is still counting the unseen devices (nothing to resume). */
interface MissingCursor {
  v: typeof MISSING_CURSOR;
  after?: string | undefined;
  acc?: FlagMissingOutput;
}

const LOOKUP_BATCH = 200;

export function createFlagMissing(deps: ActivityDeps) {
  /** Confirm unseen devices absent by direct lookup and flag them missing (guarded by the threshold). */
  return async function flagMissing(input: FlagMissingInput): Promise<FlagMissingOutput> {
    return asActivity(async () => {
      const beats = new Heartbeats<MissingCursor>();
      try {
        return await lookUpUnseen(deps, input, beats);
      } finally {
        beats.stop();
      }
    });
  };
}

async function lookUpUnseen(
  deps: ActivityDeps,
  input: FlagMissingInput,
  beats: Heartbeats<MissingCursor>,
): Promise<FlagMissingOutput> {
  const { job, runId } = input;
  const last = lastHeartbeat<MissingCursor>();
  // A resumed attempt already passed the threshold check and counted the unseen devices.
  const resumed = last?.v === MISSING_CURSOR && last.acc ? last : undefined;
  const cursor: MissingCursor = resumed ?? { v: MISSING_CURSOR };
  beats.track(cursor); // liveness while the unseen devices are counted
  if (!resumed) {
    const start = await beginMissing(deps, input);
    if (start === 'done') return emptyMissing(0, false);
    if (typeof start === 'number') return emptyMissing(start, true);
    cursor.acc = emptyMissing(start.unseen, false);
  }
  const acc = cursor.acc!;
  const client = deps.clientFor(job, budgetFor(job, input.rate));
  const calls = new CallCounter(client);
  try {
    for (;;) {
      const ids = await deps.store.listUnseen(job.id, runId, LOOKUP_BATCH, cursor.after, input.sweep);
      if (ids.length === 0) break;
      const found = await mapLimit(ids, deps.detailConcurrency ?? DETAIL_CONCURRENCY, async (id) => {
        await deps.store.addRunCalls(job.id, runId, 'missing', calls.next());
        return stillExists(client, id);
      });
      const gone = ids.filter((_, i) => !found[i]);
      throwIfCancelled();
      if (!input.dryRun && gone.length)
        await deps.store.flagMissing(job.id, gone, { at: now(deps), runId, by: 'walk' });
      acc.confirmedMissing += gone.length;
      acc.stillPresent += ids.length - gone.length;
      addSample(acc.sample, gone);
      acc.apiCalls = client.apiCalls; // progress only: the count is the store's
      cursor.after = ids[ids.length - 1];
      beats.moved();
    }
  } finally {
    await calls.flush(deps, job.id, runId, 'missing');
  }
  // Every attempt's calls, and the flags an attempt committed before it died, from the store.
  const apiCalls = await deps.store.runCalls(job.id, runId, 'missing');
  if (input.dryRun) return { ...acc, flagged: 0, apiCalls };
  const flagged = await deps.store.flaggedBy(job.id, runId, 'walk');
  return { ...acc, flagged, confirmedMissing: flagged, apiCalls };
}

function emptyMissing(unseen: number, thresholdExceeded: boolean): FlagMissingOutput {
  return {
    unseen,
    confirmedMissing: 0,
    stillPresent: 0,
    flagged: 0,
    thresholdExceeded,
    sample: [],
    apiCalls: 0,
  };
}

/**
 * A fresh attempt: nothing unseen ('done'), over the threshold (the unseen count), or go
 * ahead. Unseen are the live devices the listing did not list and those this run's walk
 * flagged already (an attempt killed before the server had its cursor): not the devices its
 * pages found gone, which were never unseen.
 */
async function beginMissing(
  deps: ActivityDeps,
  input: FlagMissingInput,
): Promise<{ unseen: number } | 'done' | number> {
  // The pass just filled run_seen (and a first import the record tables): plan with that known.
  await deps.store.refreshStatistics();
  const stillUnseen = await deps.store.countUnseen(input.job.id, input.runId, input.sweep);
  const flaggedBefore = await deps.store.flaggedBy(input.job.id, input.runId, 'walk');
  const unseen = stillUnseen + flaggedBefore;
  if (stillUnseen === 0 && flaggedBefore === 0) return 'done';
  const live = (await deps.store.counts(input.job.id)).liveDevices + flaggedBefore;
  if (!input.confirm && unseen > input.job.missingThreshold * live) return unseen;
  return { unseen };
}

/** A direct lookup: only a 404 confirms absence (a malformed record still exists). */
async function stillExists(client: AlloyScanClient, id: string): Promise<boolean> {
  try {
    return (await client.getDevice(id)) !== undefined;
  } catch (err) {
    if (err instanceof QuarantineError) return true;
    throw err;
  }
}

function now(deps: ActivityDeps): string {
  return (deps.now ?? (() => new Date()))().toISOString();
}
