/**
 * Presence of a job's devices: which live devices a run did not see, the missing flag, and
 * the counts the verify step compares with the source.
 */
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import { chunks, IN_CHUNK, toCount, uniq } from './batch';
import type { StoreCounts } from './store-types';
import { recordTable, type Database, type RecordTableName } from './tables';

const TABLES: readonly RecordTableName[] = ['computers', 'hardware'];

/** Linked, live (not retired, not flagged missing) records of the job. */
function liveOf(db: Kysely<Database>, table: RecordTableName, jobId: string) {
  return db
    .selectFrom(table)
    .where('job_id', '=', jobId)
    .where('alloyscan_id', 'is not', null)
    .where('status', '<>', 'Retired')
    .where('missing_from_alloyscan', '=', 0);
}

/**
 * Live records whose device the run did not list, or (after re-list sweeps) that its final
 * sweep `sweep` did not list.
 */
function unseenIds(db: Kysely<Database>, jobId: string, runId: string, after: string | undefined, sweep = 0) {
  const part = (table: RecordTableName) =>
    liveOf(db, table, jobId)
      .select(sql<string>`alloyscan_id`.as('source_id'))
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('run_seen')
              .select('run_seen.source_id')
              .where('run_seen.job_id', '=', jobId)
              .where('run_seen.run_id', '=', runId)
              .where('run_seen.source_id', '=', sql.ref<string>(`${table}.alloyscan_id`))
              .$if(sweep > 0, (qb) => qb.where('run_seen.last_sweep', '>=', sweep)),
          ),
        ),
      )
      .$if(after !== undefined, (qb) => qb.where('alloyscan_id', '>', after ?? ''));
  return db.selectFrom(part('computers').unionAll(part('hardware')).as('u'));
}

/** Live devices of the job the run has not seen, ordered by source id, keyset-paged. */
export async function listUnseen(
  db: Kysely<Database>,
  jobId: string,
  runId: string,
  limit: number,
  afterSourceId?: string,
  sweep = 0,
): Promise<string[]> {
  const rows = await unseenIds(db, jobId, runId, afterSourceId, sweep)
    .select('u.source_id')
    .orderBy('u.source_id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.source_id);
}

export async function countUnseen(
  db: Kysely<Database>,
  jobId: string,
  runId: string,
  sweep = 0,
): Promise<number> {
  const row = await unseenIds(db, jobId, runId, undefined, sweep)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return toCount(row?.n);
}

/** Which part of a run flagged a device: the unseen walk, or a page whose detail read met a 404. */
export type MissingBy = 'walk' | 'page';

/** Flags live devices as missing from AlloyScan; returns how many were newly flagged. */
export async function flagMissing(
  db: Kysely<Database>,
  jobId: string,
  sourceIds: readonly string[],
  flag: { at: string; runId: string; by: MissingBy },
): Promise<number> {
  let flagged = 0;
  for (const table of TABLES) {
    for (const part of chunks(uniq(sourceIds), IN_CHUNK)) {
      const res = await db
        .updateTable(table)
        .set({
          missing_from_alloyscan: 1,
          missing_confirmed_at: flag.at,
          missing_run: flag.runId,
          missing_by: flag.by,
          updated_at: flag.at,
        })
        .where('job_id', '=', jobId)
        .where('alloyscan_id', 'in', part)
        .where('status', '<>', 'Retired')
        .where('missing_from_alloyscan', '=', 0)
        .executeTakeFirst();
      flagged += Number(res.numUpdatedRows);
    }
  }
  return flagged;
}

/**
 * Devices `runId` flagged missing (only those its walk or its pages flagged, with `by`) that
 * are still flagged: exact after a retried attempt.
 */
export async function flaggedBy(
  db: Kysely<Database>,
  jobId: string,
  runId: string,
  by?: MissingBy,
): Promise<number> {
  let n = 0;
  for (const table of TABLES) {
    const row = await db
      .selectFrom(table)
      .where('job_id', '=', jobId)
      .where('missing_run', '=', runId)
      .where('missing_from_alloyscan', '=', 1)
      .$if(by !== undefined, (qb) => qb.where('missing_by', '=', by ?? ''))
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    n += toCount(row?.n);
  }
  return n;
}

type RecordExpressions = ExpressionBuilder<Database, RecordTableName>;

/** Flagged missing and not retired. */
function isMissing(eb: RecordExpressions) {
  return eb.and([eb('status', '<>', 'Retired'), eb('missing_from_alloyscan', '=', 1)]);
}

/** Retired in Navigator, its AlloyScan device not deleted (kept, or write-back pending) nor gone. */
function isRetiredInSource(eb: RecordExpressions) {
  return eb.and([
    eb('status', '=', 'Retired'),
    eb('written_back_at', 'is', null),
    eb('missing_from_alloyscan', '=', 0),
  ]);
}

/**
 * With a run: only retired records whose device that run listed. A retired, kept record whose
 * device later left AlloyScan is never flagged missing, so without this it would count forever.
 */
function seenBy(table: RecordTableName, jobId: string, runId: string | undefined) {
  if (runId === undefined) return sql<boolean>`1 = 1`;
  return sql<boolean>`exists (select 1 from run_seen s where s.job_id = ${jobId} and s.run_id = ${runId} and s.source_id = ${sql.ref(`${table}.alloyscan_id`)})`;
}

async function countTable(db: Kysely<Database>, table: RecordTableName, jobId: string, runId?: string) {
  const kind = table === recordTable('computer') ? 'computer' : 'hardware';
  const live = await liveOf(db, table, jobId)
    .select((eb) => [eb.fn.countAll().as('n'), eb.fn.sum('expected_installations').as('expected')])
    .executeTakeFirst();
  const installs = await db
    .selectFrom('discovered_installations')
    .where('record_kind', '=', kind)
    .where('record_id', 'in', liveOf(db, table, jobId).select('id'))
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  const other = await db
    .selectFrom(table)
    .where('job_id', '=', jobId)
    .where('alloyscan_id', 'is not', null)
    .select((eb) => [
      eb.fn.sum<number>(eb.case().when(isMissing(eb)).then(1).else(0).end()).as('missing'),
      eb.fn
        .sum<number>(
          eb
            .case()
            .when(eb.and([isRetiredInSource(eb), seenBy(table, jobId, runId)]))
            .then(1)
            .else(0)
            .end(),
        )
        .as('retired'),
    ])
    .executeTakeFirst();
  return {
    live: toCount(live?.n),
    expected: toCount(live?.expected),
    installations: toCount(installs?.n),
    missing: toCount(other?.missing),
    retiredInSource: toCount(other?.retired),
  };
}

/** Counts of the job's records and Discovered Installations, as the verify step needs them. */
export async function counts(db: Kysely<Database>, jobId: string, runId?: string): Promise<StoreCounts> {
  const c = await countTable(db, 'computers', jobId, runId);
  const h = await countTable(db, 'hardware', jobId, runId);
  return {
    computers: c.live,
    hardware: h.live,
    liveDevices: c.live + h.live,
    installations: c.installations + h.installations,
    expectedInstallations: c.expected + h.expected,
    flaggedMissing: c.missing + h.missing,
    retiredInSource: c.retiredInSource + h.retiredInSource,
  };
}
