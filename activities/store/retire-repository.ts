/** Retirement: a Navigator user's action, and the delete write-back the sync owes AlloyScan for it. */
import { sql, type Kysely, type SqlBool } from 'kysely';
import { toCount } from './batch';
import type { NavigatorKind } from '../../common/domain';
import type { RecordRow } from './device-repository';
import { AmbiguousRecordError, RecordNotFoundError } from './errors';
import { nameLookupKey } from './identity';
import type { PendingWriteBack, WriteBackDone, WriteBackTally } from './store-types';
import { addRunCalls } from './run-calls';
import { recordTable, type Database } from './tables';

function toWriteBack(kind: NavigatorKind, row: RecordRow): PendingWriteBack {
  return {
    kind,
    recordId: row.id,
    sourceId: row.alloyscan_id ?? '',
    name: row.name ?? undefined,
    retiredAt: row.retired_at ?? '',
    ...(row.written_back_outcome === 'deleting' && row.written_back_run
      ? { deletingRun: row.written_back_run }
      : {}),
  };
}

async function findByNameOrId(
  db: Kysely<Database>,
  kind: NavigatorKind,
  nameOrId: string,
): Promise<RecordRow[]> {
  const table = recordTable(kind);
  const trimmed = nameOrId.trim();
  if (/^\d+$/.test(trimmed) && Number(trimmed) <= 2147483647) {
    const byId = await db.selectFrom(table).selectAll().where('id', '=', Number(trimmed)).execute();
    if (byId.length > 0) return byId;
  }
  const key = nameLookupKey(trimmed);
  if (key === undefined) return [];
  return db.selectFrom(table).selectAll().where('name_key', '=', key).orderBy('id').execute();
}

/**
 * Retires a record by numeric ID or exact name (case-insensitive). Retiring a retired record
 * changes nothing. A name shared by several live records is refused, listing their IDs.
 * The result's `sourceId` is '' when the record is not linked to AlloyScan.
 */
export async function retire(
  db: Kysely<Database>,
  kind: NavigatorKind,
  nameOrId: string,
  at: string,
): Promise<PendingWriteBack> {
  const rows = await findByNameOrId(db, kind, nameOrId);
  const live = rows.filter((r) => r.status !== 'Retired');
  const pick = live.length > 0 ? live : rows;
  const [row, ...others] = pick;
  if (row === undefined) throw new RecordNotFoundError(kind, nameOrId);
  if (others.length > 0)
    throw new AmbiguousRecordError(
      kind,
      nameOrId,
      pick.map((r) => r.id),
    );
  if (row.status === 'Retired') return toWriteBack(kind, row);
  await db
    .updateTable(recordTable(kind))
    .set({ status: 'Retired', retired_at: at, updated_at: at })
    .where('id', '=', row.id)
    .execute();
  return toWriteBack(kind, { ...row, status: 'Retired', retired_at: at });
}

/** Retired records of the job linked to an AlloyScan device whose delete write-back is not done. */
export async function pendingWriteBacks(db: Kysely<Database>, jobId: string): Promise<PendingWriteBack[]> {
  const pending: PendingWriteBack[] = [];
  for (const kind of ['computer', 'hardware'] as const) {
    const rows = await db
      .selectFrom(recordTable(kind))
      .selectAll()
      .where('job_id', '=', jobId)
      .where('status', '=', 'Retired')
      .where('alloyscan_id', 'is not', null)
      .where('written_back_at', 'is', null)
      .execute();
    pending.push(...rows.map((r) => toWriteBack(kind, r)));
  }
  return pending.sort((a, b) => a.retiredAt.localeCompare(b.retiredAt) || a.recordId - b.recordId);
}

/**
 * Records, before the DELETE goes out, that `runId` is deleting the record's device, and adds
 * `calls` (that DELETE, and any token request since the last count) to the run's write-back
 * calls, in one transaction.
 */
export async function markWriteBackStarted(
  db: Kysely<Database>,
  kind: NavigatorKind,
  recordId: number,
  runId: string,
  calls?: { jobId: string; calls: number },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable(recordTable(kind))
      .set({ written_back_run: runId, written_back_outcome: 'deleting' })
      .where('id', '=', recordId)
      .where('written_back_at', 'is', null)
      .execute();
    if (calls) await addRunCalls(trx, calls.jobId, runId, 'write-back', calls.calls);
  });
}

/** Records that `runId` did the write-back, and how (first time wins: a retried call keeps the first). */
export async function markWrittenBack(
  db: Kysely<Database>,
  kind: NavigatorKind,
  recordId: number,
  done: WriteBackDone,
): Promise<void> {
  await db
    .updateTable(recordTable(kind))
    .set({
      written_back_at: done.at,
      written_back_run: done.runId,
      written_back_outcome: done.outcome,
      updated_at: done.at,
    })
    .where('id', '=', recordId)
    .where('written_back_at', 'is', null)
    .execute();
}

/** What the run's write-back did, from the records themselves (exact after any crash and retry). */
export async function writeBackTally(
  db: Kysely<Database>,
  jobId: string,
  runId: string,
): Promise<WriteBackTally> {
  const tally: WriteBackTally = { deleted: 0, alreadyGone: 0, deletedListed: 0 };
  for (const table of ['computers', 'hardware'] as const) {
    const listed = sql<SqlBool>`exists (select 1 from run_seen s where s.job_id = ${jobId} and s.run_id = ${runId} and s.source_id = ${sql.ref(`${table}.alloyscan_id`)})`;
    const row = await db
      .selectFrom(table)
      .where('job_id', '=', jobId)
      .where('written_back_run', '=', runId)
      .select((eb) => [
        eb.fn
          .sum<number>(eb.case().when('written_back_outcome', '=', 'deleted').then(1).else(0).end())
          .as('deleted'),
        eb.fn
          .sum<number>(eb.case().when('written_back_outcome', '=', 'already-gone').then(1).else(0).end())
          .as('gone'),
        eb.fn
          .sum<number>(
            eb
              .case()
              .when(eb.and([eb('written_back_outcome', '=', 'deleted'), listed]))
              .then(1)
              .else(0)
              .end(),
          )
          .as('listed'),
      ])
      .executeTakeFirst();
    tally.deleted += toCount(row?.deleted);
    tally.alreadyGone += toCount(row?.gone);
    tally.deletedListed += toCount(row?.listed);
  }
  return tally;
}
