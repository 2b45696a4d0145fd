/**
 * The retire step. (a) Write-back: records a Navigator user retired are deleted in AlloyScan
 * when the job says `delete` (404 = already gone = done). (b) Missing: after a complete pass,
 * live devices the pass did not see are looked up one by one; only a 404 flags them missing.
 */
import type { SyncJobConfig } from '../common/sync-types';
import type { AlloyScanClient } from './alloyscan/client-types';
import { QuarantineError } from './alloyscan/errors';
import type { ActivityDeps } from './deps';
import { asActivity, heartbeat, lastHeartbeat, mapLimit } from './run-helpers';

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

export function createRetireWriteBack(deps: ActivityDeps) {
  /** Delete in AlloyScan the devices of records retired in Navigator (job option `delete` only). */
  return async function retireWriteBack(input: WriteBackInput): Promise<WriteBackOutput> {
    return asActivity(async () => {
      const out: WriteBackOutput = { deleted: 0, alreadyGone: 0, sample: [], apiCalls: 0 };
      if (input.job.onRetire !== 'delete') return out;
      const pending = await deps.store.pendingWriteBacks(input.job.id);
      out.sample = pending.slice(0, 5).map((p) => p.name ?? p.sourceId);
      if (input.dryRun) return { ...out, deleted: pending.length };
      const client = deps.clientFor(input.job);
      const before = client.apiCalls;
      for (const p of pending) {
        const res = await client.deleteDevice(p.sourceId);
        await deps.store.markWrittenBack(p.kind, p.recordId, now(deps));
        if (res === 'deleted') out.deleted++;
        else out.alreadyGone++;
        heartbeat(out.deleted + out.alreadyGone);
      }
      return { ...out, apiCalls: client.apiCalls - before };
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

interface MissingCursor {
  after?: string | undefined;
  acc: FlagMissingOutput;
}

const LOOKUP_BATCH = 200;

export function createFlagMissing(deps: ActivityDeps) {
  /** Confirm unseen devices absent by direct lookup and flag them missing (guarded by the threshold). */
  return async function flagMissing(input: FlagMissingInput): Promise<FlagMissingOutput> {
    return asActivity(async () => {
      const { job, runId } = input;
      const unseen = await deps.store.countUnseen(job.id, runId);
      const empty = {
        unseen,
        confirmedMissing: 0,
        stillPresent: 0,
        flagged: 0,
        thresholdExceeded: false,
        sample: [],
        apiCalls: 0,
      };
      if (unseen === 0) return empty;
      const live = (await deps.store.counts(job.id)).liveDevices;
      if (!input.confirm && unseen > job.missingThreshold * live)
        return { ...empty, thresholdExceeded: true };
      const client = deps.clientFor(job);
      const before = client.apiCalls;
      const resumed = lastHeartbeat<MissingCursor>();
      const acc = resumed?.acc ?? { ...empty, sample: [] as string[] };
      let after = resumed?.after;
      for (;;) {
        const ids = await deps.store.listUnseen(job.id, runId, LOOKUP_BATCH, after);
        if (ids.length === 0) break;
        const found = await mapLimit(ids, deps.detailConcurrency ?? 8, (id) => stillExists(client, id));
        const gone = ids.filter((_, i) => !found[i]);
        acc.confirmedMissing += gone.length;
        acc.stillPresent += ids.length - gone.length;
        acc.sample.push(...gone.slice(0, Math.max(0, 5 - acc.sample.length)));
        if (!input.dryRun && gone.length)
          acc.flagged += await deps.store.flagMissing(job.id, gone, now(deps));
        after = ids[ids.length - 1];
        heartbeat({
          after,
          acc: { ...acc, apiCalls: acc.apiCalls + client.apiCalls - before },
        } satisfies MissingCursor);
      }
      return { ...acc, unseen, apiCalls: acc.apiCalls + client.apiCalls - before };
    });
  };
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
