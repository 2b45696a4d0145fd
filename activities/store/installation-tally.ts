/**
 * What the sync did with the job's Software Installations, counted from the installation links
 * (exact under retries), and the lookups verify runs against Navigator's listing.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { NavigatorKind } from '../../common/domain';
import { chunks, IN_CHUNK, toCount } from './batch';
import { refKey } from './installation-link-repository';
import type { InstallationTally } from './store-types';
import { recordTable, type Database } from './tables';

const KINDS: readonly NavigatorKind[] = ['computer', 'hardware'];

/** The job's installations of kept records, by what the sync did with them (see InstallationTally). */
export async function installationTally(
  db: Kysely<Database>,
  jobId: string,
  runId: string,
): Promise<InstallationTally> {
  const t: InstallationTally = {
    created: 0,
    adopted: 0,
    unchanged: 0,
    deviceNotLinked: 0,
    notInCatalog: 0,
    ambiguousProduct: 0,
    refused: 0,
    pending: 0,
    removedInAlloyScan: 0,
    left: 0,
  };
  const linked = sql`l.guid is not null and l.retired_at is null`;
  for (const kind of KINDS) {
    const when = (cond: RawBuilder<unknown>) => sql`sum(case when ${cond} then 1 else 0 end)`;
    const { rows } = await sql<Record<string, unknown>>`select
        ${when(sql`not (${linked})`)} as device_not_linked,
        ${when(sql`${linked} and il.guid is not null and il.linked_run = ${runId} and il.rule = 'created'`)} as created,
        ${when(sql`${linked} and il.guid is not null and il.linked_run = ${runId} and il.rule <> 'created'`)} as adopted,
        ${when(sql`${linked} and il.guid is not null and coalesce(il.linked_run, '') <> ${runId}`)} as unchanged,
        ${when(sql`${linked} and il.guid is null and il.skip_reason = 'notInCatalog'`)} as not_in_catalog,
        ${when(sql`${linked} and il.guid is null and il.skip_reason = 'ambiguousProduct'`)} as ambiguous_product,
        ${when(sql`${linked} and il.guid is null and il.skip_reason = 'refused'`)} as refused,
        ${when(sql`${linked} and il.guid is null and il.skip_reason is null`)} as pending
      from ${sql.table(recordTable(kind))} r
      join discovered_installations d on d.record_kind = ${kind} and d.record_id = r.id
      left join navigator_links l on l.job_id = ${jobId} and l.source_id = r.alloyscan_id
      left join navigator_installation_links il on il.job_id = ${jobId}
        and il.source_id = r.alloyscan_id and il.product_id = d.product_id
      where r.job_id = ${jobId} and r.alloyscan_id is not null and r.status <> 'Retired'
        and r.missing_from_alloyscan = 0`.execute(db);
    const r = rows[0] ?? {};
    t.deviceNotLinked += toCount(r.device_not_linked);
    t.created += toCount(r.created);
    t.adopted += toCount(r.adopted);
    t.unchanged += toCount(r.unchanged);
    t.notInCatalog += toCount(r.not_in_catalog);
    t.ambiguousProduct += toCount(r.ambiguous_product);
    t.refused += toCount(r.refused);
    t.pending += toCount(r.pending);
  }
  const removed = await db
    .selectFrom('navigator_installation_links')
    .select((eb) => [
      eb.fn.sum<number>(eb.case().when('removed_run', '=', runId).then(1).else(0).end()).as('now'),
      eb.fn.countAll().as('left'),
    ])
    .where('job_id', '=', jobId)
    .where('guid', 'is not', null)
    .where('removed_at', 'is not', null)
    .executeTakeFirst();
  t.removedInAlloyScan = toCount(removed?.now);
  t.left = toCount(removed?.left);
  return t;
}

/** How many distinct Navigator installation records the job links (what verify should find). */
export async function countInstallationRecords(db: Kysely<Database>, jobId: string): Promise<number> {
  const row = await db
    .selectFrom('navigator_installation_links')
    .select(sql<number>`count(distinct guid)`.as('n'))
    .where('job_id', '=', jobId)
    .where('guid', 'is not', null)
    .executeTakeFirst();
  return toCount(row?.n);
}

/** Of these installation record GUIDs, those the job links. */
export async function linkedInstallationGuids(
  db: Kysely<Database>,
  jobId: string,
  guids: string[],
): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunks([...new Set(guids.map(refKey))], IN_CHUNK)) {
    if (part.length === 0) continue;
    const rows = await db
      .selectFrom('navigator_installation_links')
      .select('guid')
      .where('job_id', '=', jobId)
      .where('guid', 'in', part)
      .execute();
    for (const r of rows) if (r.guid) out.add(r.guid);
  }
  return out;
}

/** The (Computer, Product) pairs the job links on these computers, as `computer|product` keys. */
export async function linkedInstallationPairs(
  db: Kysely<Database>,
  jobId: string,
  computers: string[],
): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunks([...new Set(computers.map(refKey))], IN_CHUNK)) {
    if (part.length === 0) continue;
    const rows = await db
      .selectFrom('navigator_installation_links')
      .select(['computer', 'product_guid'])
      .where('job_id', '=', jobId)
      .where('guid', 'is not', null)
      .where('computer', 'in', part)
      .execute();
    for (const r of rows) out.add(`${r.computer ?? ''}|${r.product_guid ?? ''}`);
  }
  return out;
}
