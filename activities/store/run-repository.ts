/** The sync's own records: job configuration, run log, quarantined records, per-run seen set. */
import type { Kysely } from 'kysely';
import type { QuarantinedRecord } from '../../common/domain';
import type { RunReport, SyncJobConfig } from '../../common/sync-types';
import { chunks, IN_CHUNK, INSERT_CHUNK_ROWS, toCount, uniq } from './batch';
import type { JobState } from './store-types';
import { RUN_SCRATCH_TABLES, type Database } from './tables';

/**
 * Creates or updates a job's row. The secret is stored as its reference only; a pending
 * full-pass reason is kept (it is not configuration).
 */
export async function upsertJob(db: Kysely<Database>, job: SyncJobConfig, now: string): Promise<void> {
  const {
    id,
    enabled,
    siteUrl,
    clientId,
    clientSecret,
    schedule,
    importSoftware,
    onRetire,
    trackedGroups,
    ...rest
  } = job;
  const row = {
    id,
    site_url: siteUrl,
    client_id: clientId,
    // Copy only the reference's own fields, so a stray property can never carry a value in.
    client_secret_ref: JSON.stringify(
      'env' in clientSecret ? { env: clientSecret.env } : { file: clientSecret.file },
    ),
    enabled: enabled ? 1 : 0,
    schedule_cron: schedule.cron,
    schedule_time_zone: schedule.timeZone,
    import_software: JSON.stringify(importSoftware),
    on_retire: onRetire,
    tracked_groups: JSON.stringify(trackedGroups),
    settings: JSON.stringify(rest),
    updated_at: now,
  };
  const { id: _id, ...update } = row;
  await db
    .insertInto('sync_jobs')
    .values(row)
    .onConflict((oc) => oc.column('id').doUpdateSet(update))
    .execute();
}

/** What the store knows of a job (undefined: never configured here). */
export async function jobState(db: Kysely<Database>, jobId: string): Promise<JobState | undefined> {
  const row = await db
    .selectFrom('sync_jobs')
    .select(['enabled', 'deleted_at'])
    .where('id', '=', jobId)
    .executeTakeFirst();
  return row && { configEnabled: row.enabled === 1, deletedAt: row.deleted_at ?? undefined };
}

/** Marks a job deleted, or clears the mark (null). */
export async function setJobDeleted(db: Kysely<Database>, jobId: string, at: string | null): Promise<void> {
  await db.updateTable('sync_jobs').set({ deleted_at: at }).where('id', '=', jobId).execute();
}

/** The records a run quarantined, oldest first. */
export async function listQuarantine(
  db: Kysely<Database>,
  jobId: string,
  runId: string,
  limit: number,
): Promise<QuarantinedRecord[]> {
  const rows = await db
    .selectFrom('quarantined_records')
    .select(['source_id', 'kind', 'reason', 'raw_excerpt'])
    .where('job_id', '=', jobId)
    .where('run_id', '=', runId)
    .orderBy('created_at')
    .orderBy('kind')
    .orderBy('source_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    sourceId: r.source_id,
    kind: r.kind,
    reason: r.reason,
    rawExcerpt: r.raw_excerpt,
  }));
}

/** Stores a run report (upsert by run id: a retried activity or a later pass overwrites it). */
export async function saveRunReport(db: Kysely<Database>, report: RunReport): Promise<void> {
  const row = {
    run_id: report.runId,
    workflow_id: report.workflowId,
    job_id: report.jobId,
    trigger: report.trigger,
    outcome: report.outcome,
    full: report.full ? 1 : 0,
    dry_run: report.dryRun ? 1 : 0,
    started_at: report.startedAt,
    finished_at: report.finishedAt,
    duration_ms: Math.round(report.durationMs),
    source_devices: report.verify.sourceDevices,
    imported_devices: report.verify.importedDevices,
    expected_installations: report.verify.expectedInstallations,
    stored_installations: report.verify.storedInstallations,
    report: JSON.stringify(report),
  };
  const { run_id: _runId, ...update } = row;
  await db
    .insertInto('sync_runs')
    .values(row)
    .onConflict((oc) => oc.column('run_id').doUpdateSet(update))
    .execute();
}

/** Newest run reports of a job, newest first. */
export async function listRuns(db: Kysely<Database>, jobId: string, limit: number): Promise<RunReport[]> {
  const rows = await db
    .selectFrom('sync_runs')
    .select('report')
    .where('job_id', '=', jobId)
    .orderBy('started_at', 'desc')
    .orderBy('run_id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => JSON.parse(r.report) as RunReport);
}

function successes(db: Kysely<Database>, jobId: string) {
  return db
    .selectFrom('sync_runs')
    .where('job_id', '=', jobId)
    .where('outcome', '=', 'succeeded')
    .where('dry_run', '=', 0)
    .orderBy('started_at', 'desc')
    .orderBy('run_id', 'desc')
    .limit(1);
}

/** The job's newest successful run that was not a dry run. */
export async function lastSuccess(db: Kysely<Database>, jobId: string): Promise<RunReport | undefined> {
  const row = await successes(db, jobId).select('report').executeTakeFirst();
  return row && (JSON.parse(row.report) as RunReport);
}

/** When the job's newest successful full pass finished (a query of its own: not among the last N runs). */
export async function lastFullPass(db: Kysely<Database>, jobId: string): Promise<string | undefined> {
  const row = await successes(db, jobId).where('full', '=', 1).select('finished_at').executeTakeFirst();
  return row?.finished_at ?? undefined;
}

/** Stores quarantined records of a run (idempotent per run, kind and source id). */
export async function saveQuarantine(
  db: Kysely<Database>,
  jobId: string,
  runId: string,
  records: readonly QuarantinedRecord[],
  now: string,
): Promise<void> {
  const rows = records.map((r) => ({
    job_id: jobId,
    run_id: runId,
    source_id: r.sourceId,
    kind: r.kind,
    reason: r.reason,
    raw_excerpt: r.rawExcerpt.slice(0, 2000),
    created_at: now,
  }));
  const distinct = [...new Map(rows.map((r) => [`${r.kind}\u0000${r.source_id}`, r])).values()];
  for (const part of chunks(distinct, INSERT_CHUNK_ROWS)) {
    await db
      .insertInto('quarantined_records')
      .values(part)
      .onConflict((oc) => oc.columns(['job_id', 'run_id', 'kind', 'source_id']).doNothing())
      .execute();
  }
}

/** Of these source ids, those the run already quarantined as one of `kinds`. */
export async function quarantinedIds(
  db: Kysely<Database>,
  jobId: string,
  runId: string,
  kinds: readonly string[],
  sourceIds: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  for (const part of chunks(uniq(sourceIds), IN_CHUNK)) {
    const rows = await db
      .selectFrom('quarantined_records')
      .select('source_id')
      .where('job_id', '=', jobId)
      .where('run_id', '=', runId)
      .where('kind', 'in', kinds)
      .where('source_id', 'in', part)
      .execute();
    for (const r of rows) found.add(r.source_id);
  }
  return found;
}

/**
 * Gives the id `sourceId` to the run's quarantined record of `kind` that has this excerpt and
 * was named by its position (the listing could not read its id). Returns whether there was one.
 */
export async function nameQuarantinedRecord(
  db: Kysely<Database>,
  q: { jobId: string; runId: string; kind: string; rawExcerpt: string; sourceId: string },
): Promise<boolean> {
  const res = await db
    .updateTable('quarantined_records')
    .set({ source_id: q.sourceId })
    .where('job_id', '=', q.jobId)
    .where('run_id', '=', q.runId)
    .where('kind', '=', q.kind)
    .where('raw_excerpt', '=', q.rawExcerpt)
    .where('source_id', 'like', `${q.kind}?%`)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** How many records the run quarantined (each once: the table holds one row per kind and id) and the first few. */
export async function quarantineSummary(
  db: Kysely<Database>,
  jobId: string,
  runId: string,
  sample: number,
): Promise<{ count: number; sample: QuarantinedRecord[] }> {
  const row = await db
    .selectFrom('quarantined_records')
    .where('job_id', '=', jobId)
    .where('run_id', '=', runId)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return { count: toCount(row?.n), sample: await listQuarantine(db, jobId, runId, sample) };
}

/**
 * Records the ids as seen by the run on the page at `pageOffset` of listing sweep `sweep` (0:
 * the pass; 1…: re-list sweeps). Returns those first seen on another page or by an earlier
 * sweep (offset-paging repeats); a retried page gets none of its own ids back. A sweep also
 * marks every id it lists as listed by it (`last_sweep`).
 */
export async function markSeen(
  db: Kysely<Database>,
  jobId: string,
  runId: string,
  pageOffset: number,
  sourceIds: readonly string[],
  sweep = 0,
): Promise<Set<string>> {
  const ids = uniq(sourceIds);
  const seenElsewhere = new Set<string>();
  for (const part of chunks(ids, INSERT_CHUNK_ROWS)) {
    const rows = part.map((source_id) => ({
      job_id: jobId,
      run_id: runId,
      source_id,
      page_offset: pageOffset,
      ...(sweep > 0 ? { sweep, last_sweep: sweep } : {}),
    }));
    const inserted = await db
      .insertInto('run_seen')
      .values(rows)
      .onConflict((oc) => oc.columns(['job_id', 'run_id', 'source_id']).doNothing())
      .returning('source_id')
      .execute();
    if (inserted.length === part.length) continue;
    const earlier = await db
      .selectFrom('run_seen')
      .select('source_id')
      .where('job_id', '=', jobId)
      .where('run_id', '=', runId)
      .where('source_id', 'in', part)
      .where((eb) => eb.or([eb('page_offset', '<>', pageOffset), eb('sweep', '<>', sweep)]))
      .execute();
    for (const r of earlier) seenElsewhere.add(r.source_id);
    if (sweep > 0) {
      await db
        .updateTable('run_seen')
        .set({ last_sweep: sweep })
        .where('job_id', '=', jobId)
        .where('run_id', '=', runId)
        .where('source_id', 'in', part)
        .where('last_sweep', '<', sweep)
        .execute();
    }
  }
  return seenElsewhere;
}

/** Drops the run's scratch rows: its seen set, its batch ledger, its retire call counters. */
export async function endRun(db: Kysely<Database>, jobId: string, runId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const table of RUN_SCRATCH_TABLES)
      await trx.deleteFrom(table).where('job_id', '=', jobId).where('run_id', '=', runId).execute();
  });
}

/** Why the job's next pass must be full, if a reason is pending (unknown job: none). */
export async function fullPassReason(db: Kysely<Database>, jobId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('sync_jobs')
    .select('full_pass_reason')
    .where('id', '=', jobId)
    .executeTakeFirst();
  return row?.full_pass_reason ?? undefined;
}

/** Sets (a reason) or clears (null) the job's pending full-pass reason; creates no job row. */
export async function setFullPassReason(
  db: Kysely<Database>,
  jobId: string,
  reason: string | null,
): Promise<void> {
  await db.updateTable('sync_jobs').set({ full_pass_reason: reason }).where('id', '=', jobId).execute();
}
