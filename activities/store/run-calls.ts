/**
 * AlloyScan calls of a run's retire steps (scratch, purged by `endRun`). A step adds to its
 * counter before a call goes out (the write-back in the transaction that records the delete's
 * intent), so the calls of an attempt killed mid-step stay counted: a heartbeat would lose
 * the calls made since the last one the server got.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './tables';

export type RetireCallStep = 'write-back' | 'missing';

export async function addRunCalls(
  db: Kysely<Database>,
  jobId: string,
  runId: string,
  step: RetireCallStep,
  calls: number,
): Promise<void> {
  if (calls <= 0) return;
  await db
    .insertInto('run_api_calls')
    .values({ job_id: jobId, run_id: runId, step, calls })
    .onConflict((oc) =>
      oc.columns(['job_id', 'run_id', 'step']).doUpdateSet({ calls: sql`run_api_calls.calls + ${calls}` }),
    )
    .execute();
}

/** The calls counted for a run's step (0 when none). */
export async function runCalls(
  db: Kysely<Database>,
  jobId: string,
  runId: string,
  step: RetireCallStep,
): Promise<number> {
  const row = await db
    .selectFrom('run_api_calls')
    .select('calls')
    .where('job_id', '=', jobId)
    .where('run_id', '=', runId)
    .where('step', '=', step)
    .executeTakeFirst();
  return Number(row?.calls ?? 0);
}
