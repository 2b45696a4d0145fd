/**
 * The sync's state for a Navigator destination (SQL only: no Navigator API code here):
 * device ↔ record links, the per-run mirror of Navigator's match keys, and per-run counters.
 * The state records (computers / hardware) stay the source of what should be in Navigator;
 * `recordsToPush` finds the ones whose Navigator record is missing, stale or mis-flagged.
 */
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { NavigatorKind } from '../../common/domain';
import { chunks, IN_CHUNK, INSERT_CHUNK_ROWS, toCount } from './batch';
import type { LinkTally, MirrorRow, NavigatorLink, PushRecord, RunNavigatorStats } from './store-types';
import { recordTable, type Database, type NavigatorLinkTable } from './tables';

const KINDS: readonly NavigatorKind[] = ['computer', 'hardware'];

type LinkScope = Database & { l: NavigatorLinkTable };

function toLink(row: NavigatorLinkTable): NavigatorLink {
  return {
    sourceId: row.source_id,
    kind: row.kind,
    guid: row.guid ?? undefined,
    oid: row.oid ?? undefined,
    rule: row.rule ?? undefined,
    mapped: row.mapped ? (JSON.parse(row.mapped) as Record<string, string>) : undefined,
    sourceHash: row.source_hash ?? undefined,
    pendingSince: row.pending_since ?? undefined,
    retiredAt: row.retired_at ?? undefined,
    missingMarkedAt: row.missing_marked_at ?? undefined,
  };
}

/**
 * State records of the job whose Navigator side needs work, keyset-paged by (kind, source id):
 * no link yet (and not missing), a pending create, or a link that is not retired and whose
 * written state hash or missing mark differs from the record's, or whose record the run's
 * mirror of Navigator lacks (linked before this run: deleted from Navigator's database, to be
 * confirmed by the push; `vanished`). `sourceIds` narrows to those.
 */
export async function recordsToPush(
  db: Kysely<Database>,
  jobId: string,
  runId: string,
  opts: { sourceIds?: string[]; after?: { kind: NavigatorKind; sourceId: string }; limit: number },
): Promise<PushRecord[]> {
  const out: PushRecord[] = [];
  for (const kind of KINDS) {
    if (opts.after && KINDS.indexOf(kind) < KINDS.indexOf(opts.after.kind)) continue;
    const after = opts.after?.kind === kind ? opts.after.sourceId : undefined;
    const table = recordTable(kind);
    const idLists = opts.sourceIds ? chunks(opts.sourceIds, IN_CHUNK) : [undefined];
    for (const ids of idLists) {
      if (ids?.length === 0) continue;
      const rows = await db
        .selectFrom(`${table} as r`)
        .leftJoin('navigator_links as l', (j) =>
          j.onRef('l.source_id', '=', 'r.alloyscan_id').on('l.job_id', '=', jobId),
        )
        .selectAll('r')
        .select([
          'l.source_id as l_source_id',
          'l.kind as l_kind',
          'l.guid as l_guid',
          'l.oid as l_oid',
          'l.rule as l_rule',
          'l.mapped as l_mapped',
          'l.source_hash as l_source_hash',
          'l.pending_since as l_pending_since',
          'l.retired_at as l_retired_at',
          'l.missing_marked_at as l_missing_marked_at',
          (eb) => notInMirror(eb, jobId, runId).as('l_vanished'),
        ])
        .where('r.job_id', '=', jobId)
        .where('r.alloyscan_id', 'is not', null)
        .where('r.status', '<>', 'Retired')
        .where(sql<boolean>`coalesce(l.refused_run, '') <> ${runId}`)
        .where((eb) =>
          eb.or([
            eb.and([eb('l.source_id', 'is', null), eb('r.missing_from_alloyscan', '=', 0)]),
            eb.and([
              eb('l.source_id', 'is not', null),
              eb('l.guid', 'is', null),
              eb('r.missing_from_alloyscan', '=', 0),
            ]),
            eb.and([
              eb('l.guid', 'is not', null),
              eb('l.retired_at', 'is', null),
              eb.or([
                notInMirror(eb, jobId, runId),
                eb(sql`coalesce(l.source_hash, '')`, '<>', sql`coalesce(r.content_hash, '')`),
                eb.and([eb('r.missing_from_alloyscan', '=', 1), eb('l.missing_marked_at', 'is', null)]),
                eb.and([eb('r.missing_from_alloyscan', '=', 0), eb('l.missing_marked_at', 'is not', null)]),
              ]),
            ]),
          ]),
        )
        .$if(ids !== undefined, (qb) => qb.where('r.alloyscan_id', 'in', ids ?? []))
        .$if(after !== undefined, (qb) => qb.where('r.alloyscan_id', '>', after ?? ''))
        .orderBy('r.alloyscan_id')
        .limit(opts.limit - out.length)
        .execute();
      for (const r of rows) {
        out.push({
          kind,
          sourceId: r.alloyscan_id ?? '',
          recordId: r.id,
          contentHash: r.content_hash ?? '',
          missing: r.missing_from_alloyscan === 1,
          vanished: r.l_vanished === true || Number(r.l_vanished) === 1,
          record: r,
          link:
            r.l_source_id === null
              ? undefined
              : toLink({
                  job_id: jobId,
                  source_id: r.l_source_id,
                  kind: r.l_kind ?? kind,
                  guid: r.l_guid,
                  oid: r.l_oid,
                  rule: r.l_rule,
                  mapped: r.l_mapped,
                  source_hash: r.l_source_hash,
                  pending_since: r.l_pending_since,
                  retired_at: r.l_retired_at,
                  missing_marked_at: r.l_missing_marked_at,
                  linked_run: null,
                  updated_run: null,
                  marked_run: null,
                  refused_run: null,
                  recreated_run: null,
                  unflagged_run: null,
                  updated_at: '',
                }),
        });
      }
      if (out.length >= opts.limit) return out;
    }
  }
  return out;
}

/** A link made before this run whose GUID the run's mirror of Navigator does not hold. */
function notInMirror(eb: ExpressionBuilder<LinkScope, 'l'>, jobId: string, runId: string) {
  return eb.and([
    eb('l.guid', 'is not', null),
    eb('l.retired_at', 'is', null),
    eb(sql`coalesce(l.linked_run, '')`, '<>', runId),
    eb.not(
      eb.exists(
        eb
          .selectFrom('navigator_mirror as m')
          .select('m.guid')
          .where('m.job_id', '=', jobId)
          .whereRef('m.guid', '=', 'l.guid'),
      ),
    ),
  ]);
}

export interface LinkWrite {
  sourceId: string;
  kind: NavigatorKind;
  guid?: string | undefined;
  oid?: string | undefined;
  rule?: string | undefined;
  mapped?: Record<string, string> | undefined;
  sourceHash?: string | undefined;
  pendingSince?: string | null;
  missingMarkedAt?: string | null;
  /**
   * Which run column to stamp: linked (created/adopted), updated, marked (missing flag), refused,
   * unflagged (missing flag taken off in Navigator).
   */
  stamp?: 'linked' | 'updated' | 'marked' | 'refused' | 'unflagged';
}

/**
 * Links and counters in one transaction (a group commit of the creates and updates that
 * finished meanwhile): each link as `saveLink` writes it, in order; the counters added once.
 */
export async function saveLinks(
  db: Kysely<Database>,
  jobId: string,
  runId: string,
  links: LinkWrite[],
  stats: Partial<RunNavigatorStats>,
  at: string,
): Promise<void> {
  const counted = Object.values(stats).some((v) => v);
  if (links.length === 0 && !counted) return;
  await db.transaction().execute(async (tx) => {
    for (const w of links) await saveLink(tx, jobId, runId, w, at);
    if (counted) await addRunStats(tx, jobId, runId, stats);
  });
}

/** Insert or update a link (only the fields given change). */
export async function saveLink(
  db: Kysely<Database>,
  jobId: string,
  runId: string,
  w: LinkWrite,
  at: string,
): Promise<void> {
  const set = {
    kind: w.kind,
    ...(w.guid !== undefined && { guid: w.guid }),
    ...(w.oid !== undefined && { oid: w.oid }),
    ...(w.rule !== undefined && { rule: w.rule }),
    ...(w.mapped !== undefined && { mapped: JSON.stringify(w.mapped) }),
    ...(w.sourceHash !== undefined && { source_hash: w.sourceHash }),
    ...(w.pendingSince !== undefined && { pending_since: w.pendingSince }),
    ...(w.missingMarkedAt !== undefined && { missing_marked_at: w.missingMarkedAt }),
    ...(w.stamp === 'linked' && { linked_run: runId }),
    ...(w.stamp === 'updated' && { updated_run: runId }),
    ...(w.stamp === 'marked' && { marked_run: runId }),
    ...(w.stamp === 'refused' && { refused_run: runId }),
    ...(w.stamp === 'unflagged' && { unflagged_run: runId }),
    updated_at: at,
  };
  await db
    .insertInto('navigator_links')
    .values({ job_id: jobId, source_id: w.sourceId, ...set })
    .onConflict((oc) => oc.columns(['job_id', 'source_id']).doUpdateSet(set))
    .execute();
}

/**
 * Pending marks of several creates in one transaction (committed before any of them is sent):
 * a link row with no GUID and `pending_since`, other columns kept.
 */
export async function markPending(
  db: Kysely<Database>,
  jobId: string,
  marks: { sourceId: string; kind: NavigatorKind }[],
  at: string,
): Promise<void> {
  if (marks.length === 0) return;
  await db.transaction().execute(async (tx) => {
    for (const part of chunks(marks, INSERT_CHUNK_ROWS / 10)) {
      if (part.length === 0) continue;
      await tx
        .insertInto('navigator_links')
        .values(
          part.map((m) => ({
            job_id: jobId,
            source_id: m.sourceId,
            kind: m.kind,
            pending_since: at,
            updated_at: at,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['job_id', 'source_id']).doUpdateSet((eb) => ({
            kind: eb.ref('excluded.kind'),
            pending_since: eb.ref('excluded.pending_since'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  });
}

/**
 * Forget the record of a link (deleted from Navigator's database): the device is matched and,
 * if nothing matches, created again; `recreated_run` says in which run that was needed.
 */
export async function dropLinkedRecord(
  db: Kysely<Database>,
  jobId: string,
  runId: string,
  sourceId: string,
  at: string,
): Promise<void> {
  await db
    .updateTable('navigator_links')
    .set({
      guid: null,
      oid: null,
      rule: null,
      mapped: null,
      source_hash: null,
      pending_since: null,
      missing_marked_at: null,
      recreated_run: runId,
      updated_at: at,
    })
    .where('job_id', '=', jobId)
    .where('source_id', '=', sourceId)
    .execute();
}

/** Replace the job's mirror of Navigator records (first call of a run: `reset`). */
export async function writeMirror(
  db: Kysely<Database>,
  jobId: string,
  rows: MirrorRow[],
  reset: boolean,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    if (reset) await tx.deleteFrom('navigator_mirror').where('job_id', '=', jobId).execute();
    for (const part of chunks(rows, INSERT_CHUNK_ROWS / 10)) {
      if (part.length === 0) continue;
      await tx
        .insertInto('navigator_mirror')
        .values(
          part.map((m) => ({
            job_id: jobId,
            guid: m.guid,
            kind: m.kind,
            oid: m.oid ?? null,
            name_key: m.nameKey ?? null,
            serial_key: m.serialKey ?? null,
            mac_key: m.macKey ?? null,
            device_key: m.deviceKey ?? null,
            retired: m.retired ? 1 : 0,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['job_id', 'guid']).doUpdateSet((eb) => ({
            kind: eb.ref('excluded.kind'),
            oid: eb.ref('excluded.oid'),
            name_key: eb.ref('excluded.name_key'),
            serial_key: eb.ref('excluded.serial_key'),
            mac_key: eb.ref('excluded.mac_key'),
            device_key: eb.ref('excluded.device_key'),
            retired: eb.ref('excluded.retired'),
          })),
        )
        .execute();
    }
  });
}

/** Whether the mirror holds a live record of the class no link of the job names (a match is possible). */
export async function mirrorHasFree(
  db: Kysely<Database>,
  jobId: string,
  kind: NavigatorKind,
): Promise<boolean> {
  const row = await db
    .selectFrom('navigator_mirror as m')
    .select('m.guid')
    .where('m.job_id', '=', jobId)
    .where('m.kind', '=', kind)
    .where('m.retired', '=', 0)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('navigator_links as l')
            .select('l.source_id')
            .where('l.job_id', '=', jobId)
            .whereRef('l.guid', '=', 'm.guid'),
        ),
      ),
    )
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Live (not retired) mirror records of a class matching every given key, not linked to
 * another device of the job. At most `limit` (two are enough to call a match ambiguous).
 */
export async function mirrorCandidates(
  db: Kysely<Database>,
  jobId: string,
  kind: NavigatorKind,
  keys: { deviceKey?: string; nameKey?: string; serialKey?: string; macKey?: string },
  limit: number,
): Promise<{ guid: string; oid?: string | undefined }[]> {
  const rows = await db
    .selectFrom('navigator_mirror as m')
    .select(['m.guid', 'm.oid'])
    .where('m.job_id', '=', jobId)
    .where('m.kind', '=', kind)
    .where('m.retired', '=', 0)
    .$if(keys.deviceKey !== undefined, (q) => q.where('m.device_key', '=', keys.deviceKey ?? ''))
    .$if(keys.nameKey !== undefined, (q) => q.where('m.name_key', '=', keys.nameKey ?? ''))
    .$if(keys.serialKey !== undefined, (q) => q.where('m.serial_key', '=', keys.serialKey ?? ''))
    .$if(keys.macKey !== undefined, (q) => q.where('m.mac_key', '=', keys.macKey ?? ''))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('navigator_links as l')
            .select('l.source_id')
            .where('l.job_id', '=', jobId)
            .whereRef('l.guid', '=', 'm.guid'),
        ),
      ),
    )
    .orderBy('m.guid')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ guid: r.guid, oid: r.oid ?? undefined }));
}

/**
 * Links of the job whose Navigator record the mirror shows retired (by a Navigator user): the
 * link is marked retired and the state record retired, so the write-back deletes its AlloyScan
 * device when the job says so. Returns how many were newly retired.
 */
export async function retireFromMirror(db: Kysely<Database>, jobId: string, at: string): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const rows = await tx
      .selectFrom('navigator_links as l')
      .innerJoin('navigator_mirror as m', (j) => j.onRef('m.guid', '=', 'l.guid').on('m.job_id', '=', jobId))
      .select(['l.source_id', 'l.kind'])
      .where('l.job_id', '=', jobId)
      .where('l.retired_at', 'is', null)
      .where('m.retired', '=', 1)
      .execute();
    for (const part of chunks(rows, IN_CHUNK)) {
      const ids = part.map((r) => r.source_id);
      await tx
        .updateTable('navigator_links')
        .set({ retired_at: at, updated_at: at })
        .where('job_id', '=', jobId)
        .where('source_id', 'in', ids)
        .execute();
      for (const kind of KINDS) {
        const of = part.filter((r) => r.kind === kind).map((r) => r.source_id);
        if (of.length === 0) continue;
        await tx
          .updateTable(recordTable(kind))
          .set({ status: 'Retired', retired_at: at, updated_at: at })
          .where('job_id', '=', jobId)
          .where('alloyscan_id', 'in', of)
          .where('status', '<>', 'Retired')
          .execute();
      }
    }
    return rows.length;
  });
}

/** Retire one link and its state record (an update refused because the record is view-only). */
export async function retireLink(
  db: Kysely<Database>,
  jobId: string,
  kind: NavigatorKind,
  sourceId: string,
  at: string,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('navigator_links')
      .set({ retired_at: at, updated_at: at })
      .where('job_id', '=', jobId)
      .where('source_id', '=', sourceId)
      .execute();
    await tx
      .updateTable(recordTable(kind))
      .set({ status: 'Retired', retired_at: at, updated_at: at })
      .where('job_id', '=', jobId)
      .where('alloyscan_id', '=', sourceId)
      .where('status', '<>', 'Retired')
      .execute();
  });
}

/** Add to the run's Navigator counters. */
export async function addRunStats(
  db: Kysely<Database>,
  jobId: string,
  runId: string,
  d: Partial<RunNavigatorStats>,
): Promise<void> {
  const v = {
    api_calls: d.apiCalls ?? 0,
    write_calls: d.writeCalls ?? 0,
    throttled: d.throttled ?? 0,
    unknown_outcomes: d.unknownOutcomes ?? 0,
    refused: d.refused ?? 0,
    ambiguous: d.ambiguous ?? 0,
  };
  await db
    .insertInto('navigator_run_stats')
    .values({ job_id: jobId, run_id: runId, ...v })
    .onConflict((oc) =>
      oc.columns(['job_id', 'run_id']).doUpdateSet({
        api_calls: sql`navigator_run_stats.api_calls + ${v.api_calls}`,
        write_calls: sql`navigator_run_stats.write_calls + ${v.write_calls}`,
        throttled: sql`navigator_run_stats.throttled + ${v.throttled}`,
        unknown_outcomes: sql`navigator_run_stats.unknown_outcomes + ${v.unknown_outcomes}`,
        refused: sql`navigator_run_stats.refused + ${v.refused}`,
        ambiguous: sql`navigator_run_stats.ambiguous + ${v.ambiguous}`,
      }),
    )
    .execute();
}

/** What a run did in Navigator, counted from the links (exact under retries) and its counters. */
export async function linkTally(db: Kysely<Database>, jobId: string, runId: string): Promise<LinkTally> {
  const byRule = await db
    .selectFrom('navigator_links')
    .select(['rule', (eb) => eb.fn.countAll().as('n')])
    .where('job_id', '=', jobId)
    .where('linked_run', '=', runId)
    .where('guid', 'is not', null)
    .groupBy('rule')
    .execute();
  const count = async (col: 'updated_run' | 'marked_run' | 'unflagged_run'): Promise<number> =>
    toCount(
      (
        await db
          .selectFrom('navigator_links')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('job_id', '=', jobId)
          .where(col, '=', runId)
          .executeTakeFirst()
      )?.n,
    );
  const live = await db
    .selectFrom('navigator_links')
    .select(['kind', (eb) => eb.fn.countAll().as('n')])
    .where('job_id', '=', jobId)
    .where('guid', 'is not', null)
    .where('retired_at', 'is', null)
    .groupBy('kind')
    .execute();
  const stats = await db
    .selectFrom('navigator_run_stats')
    .selectAll()
    .where('job_id', '=', jobId)
    .where('run_id', '=', runId)
    .executeTakeFirst();
  const adopted: Record<string, number> = {};
  let created = 0;
  for (const r of byRule) {
    if (r.rule === 'created') created += toCount(r.n);
    else adopted[r.rule ?? 'unknown'] = (adopted[r.rule ?? 'unknown'] ?? 0) + toCount(r.n);
  }
  return {
    created,
    adopted,
    updated: await count('updated_run'),
    markedMissing: await count('marked_run'),
    unflagged: await count('unflagged_run'),
    recreated: toCount(
      (
        await db
          .selectFrom('navigator_links')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('job_id', '=', jobId)
          .where('recreated_run', '=', runId)
          .where('linked_run', '=', runId)
          .where('rule', '=', 'created')
          .where('guid', 'is not', null)
          .executeTakeFirst()
      )?.n,
    ),
    linked: Object.fromEntries(live.map((r) => [r.kind, toCount(r.n)])),
    stats: {
      apiCalls: stats?.api_calls ?? 0,
      writeCalls: stats?.write_calls ?? 0,
      throttled: stats?.throttled ?? 0,
      unknownOutcomes: stats?.unknown_outcomes ?? 0,
      refused: stats?.refused ?? 0,
      ambiguous: stats?.ambiguous ?? 0,
    },
  };
}

/** Of these GUIDs, the source id each is linked to in this job (verify: duplicates are records no link names). */
export async function linkedGuids(
  db: Kysely<Database>,
  jobId: string,
  guids: string[],
): Promise<Map<string, { sourceId: string; retired: boolean }>> {
  const out = new Map<string, { sourceId: string; retired: boolean }>();
  for (const part of chunks(guids, IN_CHUNK)) {
    if (part.length === 0) continue;
    const rows = await db
      .selectFrom('navigator_links')
      .select(['guid', 'source_id', 'retired_at'])
      .where('job_id', '=', jobId)
      .where('guid', 'in', part)
      .execute();
    for (const r of rows)
      if (r.guid) out.set(r.guid, { sourceId: r.source_id, retired: r.retired_at !== null });
  }
  return out;
}

/** Of these device ids, those the job links to a Navigator record (verify's duplicate check). */
export async function linkedSources(
  db: Kysely<Database>,
  jobId: string,
  sourceIds: string[],
): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunks(sourceIds, IN_CHUNK)) {
    if (part.length === 0) continue;
    const rows = await db
      .selectFrom('navigator_links')
      .select('source_id')
      .where('job_id', '=', jobId)
      .where('guid', 'is not', null)
      .where('source_id', 'in', part)
      .execute();
    for (const r of rows) out.add(r.source_id);
  }
  return out;
}

/** Forget every Navigator link of a job (the demo's in-memory Navigator starts empty on each start). */
export async function clearLinks(db: Kysely<Database>, jobId: string): Promise<number> {
  const res = await db.deleteFrom('navigator_links').where('job_id', '=', jobId).executeTakeFirst();
  await db.deleteFrom('navigator_mirror').where('job_id', '=', jobId).execute();
  return Number(res.numDeletedRows);
}

/** Live state records of the job (not retired, not flagged missing) with no Navigator record linked. */
export async function countUnlinked(db: Kysely<Database>, jobId: string): Promise<number> {
  let n = 0;
  for (const kind of KINDS) {
    const row = await db
      .selectFrom(`${recordTable(kind)} as r`)
      .leftJoin('navigator_links as l', (j) =>
        j.onRef('l.source_id', '=', 'r.alloyscan_id').on('l.job_id', '=', jobId),
      )
      .select((eb) => eb.fn.countAll().as('n'))
      .where('r.job_id', '=', jobId)
      .where('r.alloyscan_id', 'is not', null)
      .where('r.status', '<>', 'Retired')
      .where('r.missing_from_alloyscan', '=', 0)
      .where('l.guid', 'is', null)
      .executeTakeFirst();
    n += toCount(row?.n);
  }
  return n;
}
