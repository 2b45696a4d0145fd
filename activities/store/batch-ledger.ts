/**
 * The per-run batch ledger: the total result of each committed batch, so a retried activity
 * that re-applies an already committed batch (its devices now look unchanged) still reports
 * the counts of the first commit. Rows are scratch, purged by `endRun`.
 */
import type { Kysely, Transaction } from 'kysely';
import type { IdentityRule } from '../../common/domain';
import type { ApplyPageResult, BatchKey, RunTally } from './store-types';
import type { Database } from './tables';

type Adopted = ApplyPageResult['adopted'];

function sumAdopted(a: Adopted, b: Adopted): Adopted {
  const out: Adopted = { ...a };
  for (const [rule, n] of Object.entries(b) as [IdentityRule, number][]) out[rule] = (out[rule] ?? 0) + n;
  return out;
}

function topUp(kept: readonly string[], more: readonly string[], size: number): string[] {
  const out = kept.slice(0, size);
  for (const name of more) if (out.length < size && !out.includes(name)) out.push(name);
  return out;
}

/** `earlier + current`; `unchanged` is what remains of the `distinct` devices (never negative). */
export function sumResults(
  earlier: ApplyPageResult,
  current: ApplyPageResult,
  distinct: number,
  sampleSize: number,
): ApplyPageResult {
  const added = earlier.added + current.added;
  const updated = earlier.updated + current.updated;
  return {
    added,
    updated,
    unchanged: Math.max(0, distinct - added - updated),
    adopted: sumAdopted(earlier.adopted, current.adopted),
    installationsAdded: earlier.installationsAdded + current.installationsAdded,
    installationsUpdated: earlier.installationsUpdated + current.installationsUpdated,
    installationsRemoved: earlier.installationsRemoved + current.installationsRemoved,
    samples: {
      added: topUp(earlier.samples.added, current.samples.added, sampleSize),
      updated: topUp(earlier.samples.updated, current.samples.updated, sampleSize),
    },
  };
}

/**
 * Adds this apply's result to the batch's recorded total and stores the new total, in the
 * apply's transaction (so the ledger commits exactly when the apply does). Returns the total.
 */
export async function recordBatch(
  trx: Transaction<Database>,
  jobId: string,
  batch: BatchKey,
  apply: { result: ApplyPageResult; distinct: number; sampleSize: number },
): Promise<ApplyPageResult> {
  const key = { job_id: jobId, run_id: batch.runId, batch_key: batch.key };
  const row = await trx
    .selectFrom('run_batches')
    .select('result')
    .where('job_id', '=', key.job_id)
    .where('run_id', '=', key.run_id)
    .where('batch_key', '=', key.batch_key)
    .executeTakeFirst();
  const total =
    row === undefined
      ? apply.result
      : sumResults(JSON.parse(row.result) as ApplyPageResult, apply.result, apply.distinct, apply.sampleSize);
  const result = JSON.stringify(total);
  await trx
    .insertInto('run_batches')
    .values({ ...key, result })
    .onConflict((oc) => oc.columns(['job_id', 'run_id', 'batch_key']).doUpdateSet({ result }))
    .execute();
  return total;
}

/** What every batch of a run committed, summed: the run's exact change counts, whatever its retries. */
export async function runTally(db: Kysely<Database>, jobId: string, runId: string): Promise<RunTally> {
  const rows = await db
    .selectFrom('run_batches')
    .select('result')
    .where('job_id', '=', jobId)
    .where('run_id', '=', runId)
    .execute();
  const tally: RunTally = {
    batches: rows.length,
    added: 0,
    updated: 0,
    adopted: {},
    installationsAdded: 0,
    installationsUpdated: 0,
    installationsRemoved: 0,
  };
  for (const row of rows) {
    const r = JSON.parse(row.result) as ApplyPageResult;
    tally.added += r.added;
    tally.updated += r.updated;
    tally.adopted = sumAdopted(tally.adopted, r.adopted);
    tally.installationsAdded += r.installationsAdded;
    tally.installationsUpdated += r.installationsUpdated;
    tally.installationsRemoved += r.installationsRemoved;
  }
  return tally;
}
