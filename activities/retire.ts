/**
 * The retire step. (a) Write-back: records a Navigator user retired are deleted in AlloyScan
 * when the job says `delete` (404 = already gone = done). (b) Missing: after a complete pass,
 * live devices the pass did not see are looked up one by one; only a 404 flags them missing.
 */
import { addSample } from '../common/counts';
import type { SyncJobConfig } from '../common/sync-types';
import type { AlloyScanClient } from './alloyscan/client-types';
import { QuarantineError } from './alloyscan/errors';
import type { ActivityDeps } from './deps';
import { asActivity, heartbeat, lastHeartbeat, mapLimit, throwIfCancelled } from './run-helpers';

export interface WriteBackInput {
  job: SyncJobConfig;
  dryRun: boolean;
}

export interface WriteBackOutput {
  deleted: number;
  alreadyGone: number;
  sample: string[];
  apiCalls: number;
}

const WRITE_BACK_CURSOR = 1;

export function createRetireWriteBack(deps: ActivityDeps) {
  /** Delete in AlloyScan the devices of records retired in Navigator (job option `delete` only). */
  return async function retireWriteBack(input: WriteBackInput): Promise<WriteBackOutput> {
    return asActivity(async () => {
      const resumed = lastHeartbeat<WriteBackOutput & { v: number }>();
      const out: WriteBackOutput =
        resumed?.v === WRITE_BACK_CURSOR ? resumed : { deleted: 0, alreadyGone: 0, sample: [], apiCalls: 0 };
      if (input.job.onRetire !== 'delete') return out;
      const pending = await deps.store.pendingWriteBacks(input.job.id);
      if (out.sample.length === 0)
        addSample(
          out.sample,
          pending.map((p) => p.name ?? p.sourceId),
        );
      if (input.dryRun) return { ...out, deleted: pending.length };
      const client = deps.clientFor(input.job);
      const before = client.apiCalls;
      for (const p of pending) {
        // Done ones are no longer pending, so a retry resumes by itself; the counts come from the heartbeat.
        const res = await client.deleteDevice(p.sourceId);
        await deps.store.markWrittenBack(p.kind, p.recordId, now(deps));
        if (res === 'deleted') out.deleted++;
        else out.alreadyGone++;
        heartbeat({ ...out, v: WRITE_BACK_CURSOR });
      }
      return { ...out, apiCalls: out.apiCalls + client.apiCalls - before };
    });
  };
}

export interface FlagMissingInput {
  job: SyncJobConfig;
  runId: string;
  dryRun: boolean;
  /** Apply even when the share of unseen devices exceeds the job's threshold. */
  confirm: boolean;
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

const MISSING_CURSOR = 1;

interface MissingCursor {
  v: typeof MISSING_CURSOR;
  after?: string | undefined;
  acc: FlagMissingOutput;
}

const LOOKUP_BATCH = 200;

export function createFlagMissing(deps: ActivityDeps) {
  /** Confirm unseen devices absent by direct lookup and flag them missing (guarded by the threshold). */
  return async function flagMissing(input: FlagMissingInput): Promise<FlagMissingOutput> {
    return asActivity(async () => {
      const { job, runId } = input;
      const resumed = lastHeartbeat<MissingCursor>();
      // A resumed attempt already passed the threshold check; its flags are no longer "unseen".
      const start = resumed?.v === MISSING_CURSOR ? resumed : await beginMissing(deps, input);
      if (start === 'done') return emptyMissing(0, false);
      if (typeof start === 'number') return emptyMissing(start, true);
      const acc = start.acc;
      let after = start.after;
      const client = deps.clientFor(job);
      let base = client.apiCalls;
      for (;;) {
        const ids = await deps.store.listUnseen(job.id, runId, LOOKUP_BATCH, after);
        if (ids.length === 0) break;
        const progress = { v: MISSING_CURSOR, after, acc: structuredClone(acc) } satisfies MissingCursor;
        const found = await mapLimit(ids, deps.detailConcurrency ?? 8, async (id) => {
          const exists = await stillExists(client, id);
          heartbeat(progress); // liveness per lookup; the cursor moves per batch
          return exists;
        });
        const gone = ids.filter((_, i) => !found[i]);
        throwIfCancelled();
        if (!input.dryRun && gone.length)
          acc.flagged += await deps.store.flagMissing(job.id, gone, now(deps));
        acc.confirmedMissing += gone.length;
        acc.stillPresent += ids.length - gone.length;
        addSample(acc.sample, gone);
        acc.apiCalls += client.apiCalls - base;
        base = client.apiCalls;
        after = ids[ids.length - 1];
        heartbeat({ v: MISSING_CURSOR, after, acc: structuredClone(acc) } satisfies MissingCursor);
      }
      return acc;
    });
  };
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

/** First attempt: nothing unseen ('done'), over the threshold (the unseen count), or a fresh cursor. */
async function beginMissing(
  deps: ActivityDeps,
  input: FlagMissingInput,
): Promise<MissingCursor | 'done' | number> {
  const unseen = await deps.store.countUnseen(input.job.id, input.runId);
  if (unseen === 0) return 'done';
  const live = (await deps.store.counts(input.job.id)).liveDevices;
  if (!input.confirm && unseen > input.job.missingThreshold * live) return unseen;
  return { v: MISSING_CURSOR, after: undefined, acc: emptyMissing(unseen, false) };
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
