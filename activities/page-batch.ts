/**
 * One batch of the page step: read the details and snapshots of a run of devices, filter
 * them, and apply them to the store in one transaction, keyed so a retry that re-applies a
 * committed batch keeps the counts of the first commit (the batch ledger).
 */
import { DEVICE_SKIP, emptyCounts, SAMPLE_SIZE } from '../common/counts';
import type { PageCounts, SyncJobConfig } from '../common/sync-types';
import type { AlloyScanClient } from './alloyscan/client-types';
import { buildUpserts, type BuildContext, type DeviceRead } from './build-upserts';
import type { ActivityDeps } from './deps';
import { mergeCounts } from './filter';
import type { BatchOutcome, PageCursor } from './page-cursor';
import { readDevice } from './read-device';
import { mapLimit, throwIfCancelled } from './run-helpers';

export interface BatchInput {
  job: SyncJobConfig;
  runId: string;
  offset: number;
  dryRun: boolean;
  trackedGroups: string[];
}

/** Device details read at once by one page activity, unless the deps say otherwise. */
export const DETAIL_CONCURRENCY = 8;

export async function processBatch(
  deps: ActivityDeps,
  client: AlloyScanClient,
  input: BatchInput,
  ids: string[],
  cur: Readonly<PageCursor>,
  malformedProducts: Set<string>,
): Promise<BatchOutcome> {
  const reads = await mapLimit(ids, deps.detailConcurrency ?? DETAIL_CONCURRENCY, (id) =>
    readDevice(client, id),
  );
  const counts = emptyCounts();
  const out: BatchOutcome = { counts, quarantine: [], samples: { added: [], updated: [] }, retry: [] };
  const ok: DeviceRead[] = [];
  const gone: string[] = [];
  const known = new Set(cur.known);
  for (const r of reads) {
    if (r.kind === 'retry') {
      out.retry.push(r.id);
      out.transient = r.error;
      continue;
    }
    if (r.kind === 'ok') {
      ok.push(r);
      continue;
    }
    counts.detailsRead++;
    if (r.kind === 'skip') {
      mergeCounts(counts.skipped, { [r.reason]: 1 });
      if (r.gone) countGone(counts, gone, r.id, known.has(r.id));
    } else {
      out.quarantine.push(r.record);
      mergeCounts(counts.skipped, { [DEVICE_SKIP.quarantined]: 1 });
    }
    if (!known.has(r.id)) counts.notStored++;
  }
  const ctx: BuildContext = { deps, client, ...input, malformedProducts };
  const built = await buildUpserts(ctx, ok, counts);
  counts.detailsRead += built.upserts.length;
  out.retry.push(...built.retry);
  out.transient = built.transient ?? out.transient;
  throwIfCancelled(); // an attempt the server already gave up on must not commit beside its retry
  const res = await deps.store.applyDevicePage(input.job.id, built.upserts, {
    dryRun: input.dryRun,
    sampleSize: SAMPLE_SIZE,
    batch: { runId: input.runId, key: `${input.offset}:${cur.round}:${cur.done}` },
  });
  // Gone is a fact per device: its record is flagged missing now, whatever becomes of the pass.
  if (gone.length && !input.dryRun)
    await deps.store.flagMissing(input.job.id, gone, { at: now(deps), runId: input.runId, by: 'page' });
  out.quarantine.push(...built.quarantine);
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

function countGone(counts: PageCounts, gone: string[], id: string, stored: boolean): void {
  gone.push(id);
  counts.gone = (counts.gone ?? 0) + 1;
  if (!stored) counts.goneNotStored = (counts.goneNotStored ?? 0) + 1;
}

function now(deps: ActivityDeps): string {
  return (deps.now ?? (() => new Date()))().toISOString();
}
