/**
 * What the store keeps: the run log and the quarantine for `store.retentionDays` (the job's last
 * successful run always, so "last success" survives a long outage), and no scratch rows of a run
 * that ended without dropping them (its last step failed).
 */
import type { Kysely } from 'kysely';
import { RUN_SCRATCH_TABLES, type Database } from './tables';

/** Days kept when `store.retentionDays` is not given. */
export const DEFAULT_RETENTION_DAYS = 90;

export interface PruneResult {
  /** Run log rows dropped. */
  runs: number;
  /** Quarantine rows dropped. */
  quarantined: number;
}

/** Drops the job's run log and quarantine rows older than `before` (ISO time); keeps its last success. */
export async function pruneRunLog(db: Kysely<Database>, jobId: string, before: string): Promise<PruneResult> {
  return db.transaction().execute(async (trx) => {
    const lastSuccess = await trx
      .selectFrom('sync_runs')
      .select('run_id')
      .where('job_id', '=', jobId)
      .where('outcome', '=', 'succeeded')
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const keep = lastSuccess?.run_id ?? '';
    const runs = await trx
      .deleteFrom('sync_runs')
      .where('job_id', '=', jobId)
      .where('finished_at', '<', before)
      .where('run_id', '<>', keep)
      .executeTakeFirst();
    const quarantined = await trx
      .deleteFrom('quarantined_records')
      .where('job_id', '=', jobId)
      .where('created_at', '<', before)
      .executeTakeFirst();
    return { runs: Number(runs.numDeletedRows), quarantined: Number(quarantined.numDeletedRows) };
  });
}

/**
 * Drops the scratch rows (seen set, batch ledger, retire call counters) of the job's other runs. Only a run that did
 * its pass calls it: no other run of the job is in progress then (the overlap guard).
 */
export async function dropStaleScratch(
  db: Kysely<Database>,
  jobId: string,
  keepRunId: string,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    let dropped = 0;
    for (const table of RUN_SCRATCH_TABLES) {
      const res = await trx
        .deleteFrom(table)
        .where('job_id', '=', jobId)
        .where('run_id', '<>', keepRunId)
        .executeTakeFirst();
      dropped += Number(res.numDeletedRows);
    }
    return dropped;
  });
}
