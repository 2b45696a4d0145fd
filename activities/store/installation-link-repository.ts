/**
 * The sync's state for Navigator Software Installations (SQL only): which Discovered
 * Installations of linked devices still need a Navigator record, the link of each written one
 * (with a pending mark committed before its create), why one was not written, and the ones
 * AlloyScan no longer lists (their Navigator record is left: the API cannot delete it).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { NavigatorKind } from '../../common/domain';
import { chunks, IN_CHUNK } from './batch';
import type { InstallationDevice, InstallationToPush } from './store-types';
import { recordTable, type Database } from './tables';

const KINDS: readonly NavigatorKind[] = ['computer', 'hardware'];

/** A reference value compared the same however Navigator spells it: no braces, lower case. */
export function refKey(value: string | null | undefined): string {
  return (value ?? '')
    .trim()
    .replace(/^\{|\}$/g, '')
    .toLowerCase();
}

/** Whether this installation link's (device, product) is still a Discovered Installation of a kept record. */
function present(jobId: string): RawBuilder<boolean> {
  const one = (kind: NavigatorKind) => sql<boolean>`exists (
    select 1 from ${sql.table(recordTable(kind))} r
    join discovered_installations d on d.record_kind = ${kind} and d.record_id = r.id
    where r.job_id = ${jobId} and r.alloyscan_id = navigator_installation_links.source_id
      and r.status <> 'Retired' and d.product_id = navigator_installation_links.product_id)`;
  return sql<boolean>`(${one('computer')} or ${one('hardware')})`;
}

/**
 * Marks the written installations AlloyScan no longer lists (removed in this run), clears the
 * mark of those listed again (their record is still there: nothing to create), and forgets
 * unwritten ones that are gone. Returns how many were newly marked removed.
 */
export async function reconcileInstallationLinks(
  db: Kysely<Database>,
  jobId: string,
  runId: string,
  at: string,
): Promise<number> {
  const removed = await db
    .updateTable('navigator_installation_links')
    .set({ removed_at: at, removed_run: runId, updated_at: at })
    .where('job_id', '=', jobId)
    .where('guid', 'is not', null)
    .where('removed_at', 'is', null)
    .where(sql<boolean>`not ${present(jobId)}`)
    .executeTakeFirst();
  await db
    .updateTable('navigator_installation_links')
    .set({ removed_at: null, removed_run: null, updated_at: at })
    .where('job_id', '=', jobId)
    .where('removed_at', 'is not', null)
    .where(present(jobId))
    .execute();
  await db
    .deleteFrom('navigator_installation_links')
    .where('job_id', '=', jobId)
    .where('guid', 'is', null)
    .where('pending_since', 'is', null)
    .where(sql<boolean>`not ${present(jobId)}`)
    .execute();
  return Number(removed.numUpdatedRows);
}

/** The FROM/WHERE of installations of live, linked devices that have no Navigator record yet. */
function toPushFrom(kind: NavigatorKind, jobId: string, runId: string): RawBuilder<unknown> {
  return sql`from ${sql.table(recordTable(kind))} r
    join navigator_links l on l.job_id = ${jobId} and l.source_id = r.alloyscan_id
      and l.guid is not null and l.retired_at is null
    join discovered_installations d on d.record_kind = ${kind} and d.record_id = r.id
    left join navigator_installation_links il on il.job_id = ${jobId}
      and il.source_id = r.alloyscan_id and il.product_id = d.product_id
    left join software_catalog c on c.job_id = ${jobId} and c.product_id = d.product_id
    where r.job_id = ${jobId} and r.alloyscan_id is not null and r.status <> 'Retired'
      and r.missing_from_alloyscan = 0 and il.guid is null
      and coalesce(il.skip_run, '') <> ${runId}`;
}

interface PushRow {
  source_id: string;
  device_guid: string;
  device_oid: string | null;
  product_id: string;
  name: string;
  product_version: string | null;
  version: string | null;
  install_date: string | null;
  pending_since: string | null;
}

/**
 * Up to `limit` linked devices (keyset by device id, after `after`) with installations that
 * have no Navigator record and were not found unwritable in this run, with those installations.
 */
export async function installationsToPush(
  db: Kysely<Database>,
  jobId: string,
  runId: string,
  opts: { after?: string | undefined; limit: number },
): Promise<InstallationDevice[]> {
  const after = opts.after ?? '';
  const picked: { kind: NavigatorKind; id: string }[] = [];
  for (const kind of KINDS) {
    const { rows } = await sql<{ source_id: string }>`select distinct r.alloyscan_id as source_id
      ${toPushFrom(kind, jobId, runId)} and r.alloyscan_id > ${after}
      order by r.alloyscan_id limit ${opts.limit}`.execute(db);
    picked.push(...rows.map((r) => ({ kind, id: r.source_id })));
  }
  picked.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const chosen = picked.slice(0, opts.limit);
  const out: InstallationDevice[] = [];
  for (const kind of KINDS) {
    const ids = chosen.filter((p) => p.kind === kind).map((p) => p.id);
    for (const part of chunks(ids, IN_CHUNK)) {
      if (part.length === 0) continue;
      const { rows } = await sql<PushRow>`select r.alloyscan_id as source_id, l.guid as device_guid,
          l.oid as device_oid, d.product_id, coalesce(c.name, d.name) as name,
          coalesce(c.version, d.version) as product_version, d.version, d.install_date, il.pending_since
        ${toPushFrom(kind, jobId, runId)} and r.alloyscan_id in (${sql.join(part)})
        order by r.alloyscan_id, d.product_id`.execute(db);
      for (const r of rows) {
        let device = out.at(-1);
        if (device?.sourceId !== r.source_id) {
          device = {
            sourceId: r.source_id,
            kind,
            computer: r.device_oid ?? r.device_guid,
            installations: [],
          };
          out.push(device);
        }
        const inst: InstallationToPush = {
          productId: r.product_id,
          name: r.name,
          productVersion: r.product_version ?? undefined,
          version: r.version ?? undefined,
          installDate: r.install_date ?? undefined,
          pending: r.pending_since !== null,
        };
        device.installations.push(inst);
      }
    }
  }
  return out.sort((a, b) => (a.sourceId < b.sourceId ? -1 : a.sourceId > b.sourceId ? 1 : 0));
}

export interface InstallationLinkWrite {
  sourceId: string;
  productId: string;
  computer?: string | undefined;
  productGuid?: string | undefined;
  guid?: string | undefined;
  oid?: string | undefined;
  rule?: 'created' | 'adopted' | 'lostAnswer' | undefined;
  pendingSince?: string | null;
  /** Why it was not written in this run (stamps the run), or null once written. */
  skipReason?: 'notInCatalog' | 'ambiguousProduct' | 'refused' | null;
}

/** Insert or update an installation link (only the fields given change). */
export async function saveInstallationLinks(
  db: Kysely<Database>,
  jobId: string,
  runId: string,
  writes: readonly InstallationLinkWrite[],
  at: string,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    for (const w of writes) {
      const set = {
        ...(w.computer !== undefined && { computer: refKey(w.computer) }),
        ...(w.productGuid !== undefined && { product_guid: refKey(w.productGuid) }),
        ...(w.guid !== undefined && { guid: refKey(w.guid) }),
        ...(w.oid !== undefined && { oid: w.oid }),
        ...(w.rule !== undefined && { rule: w.rule, linked_run: runId }),
        ...(w.pendingSince !== undefined && { pending_since: w.pendingSince }),
        ...(w.skipReason !== undefined && {
          skip_reason: w.skipReason,
          skip_run: w.skipReason === null ? null : runId,
        }),
        updated_at: at,
      };
      await tx
        .insertInto('navigator_installation_links')
        .values({ job_id: jobId, source_id: w.sourceId, product_id: w.productId, ...set })
        .onConflict((oc) => oc.columns(['job_id', 'source_id', 'product_id']).doUpdateSet(set))
        .execute();
    }
  });
}
