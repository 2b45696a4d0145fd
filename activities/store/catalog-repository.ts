/** The Software Catalog of a job: products with version, publisher, platform and software group. */
import type { Kysely, Selectable } from 'kysely';
import { groupChangeReason } from '../../common/counts';
import type { InstallationUpsert, SourceProduct } from '../../common/domain';
import { chunks, IN_CHUNK, INSERT_CHUNK_ROWS, uniq } from './batch';
import { setFullPassReason } from './run-repository';
import type { Database, SoftwareCatalogTable } from './tables';

type CatalogRow = Selectable<SoftwareCatalogTable>;

async function loadProducts(
  db: Kysely<Database>,
  jobId: string,
  productIds: readonly string[],
): Promise<Map<string, CatalogRow>> {
  const found = new Map<string, CatalogRow>();
  for (const part of chunks(uniq(productIds), IN_CHUNK)) {
    const rows = await db
      .selectFrom('software_catalog')
      .selectAll()
      .where('job_id', '=', jobId)
      .where('product_id', 'in', part)
      .execute();
    for (const row of rows) found.set(row.product_id, row);
  }
  return found;
}

function catalogRow(jobId: string, p: SourceProduct, old: CatalogRow | undefined, now: string): CatalogRow {
  return {
    job_id: jobId,
    product_id: p.id,
    name: p.name,
    version: p.version ?? null,
    publisher: p.publisher ?? null,
    platform: old?.platform ?? null,
    software_group: p.softwareGroup,
    updated_at: now,
  };
}

const CATALOG_FIELDS = ['name', 'version', 'publisher', 'software_group'] as const;

/**
 * Upserts the listed products (only new or changed rows are written). `upserted` counts the
 * distinct products processed; `groupChanged` those whose stored software group differed.
 */
async function upsertProducts(
  db: Kysely<Database>,
  jobId: string,
  products: readonly SourceProduct[],
  now: string,
): Promise<{ upserted: number; groupChanged: number }> {
  const distinct = [...new Map(products.map((p) => [p.id, p])).values()];
  const stored = await loadProducts(
    db,
    jobId,
    distinct.map((p) => p.id),
  );
  let groupChanged = 0;
  const writes: CatalogRow[] = [];
  for (const p of distinct) {
    const old = stored.get(p.id);
    const row = catalogRow(jobId, p, old, now);
    if (old?.software_group != null && old.software_group !== row.software_group) groupChanged++;
    if (old === undefined || CATALOG_FIELDS.some((c) => old[c] !== row[c])) writes.push(row);
  }
  for (const part of chunks(writes, INSERT_CHUNK_ROWS)) {
    await db
      .insertInto('software_catalog')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['job_id', 'product_id']).doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          version: eb.ref('excluded.version'),
          publisher: eb.ref('excluded.publisher'),
          software_group: eb.ref('excluded.software_group'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
  return { upserted: distinct.length, groupChanged };
}

/**
 * Upserts the products in one transaction; when some changed software group, records in it
 * that the job's next pass must be full (so the reason survives a run that fails later).
 */
export async function upsertCatalog(
  db: Kysely<Database>,
  jobId: string,
  products: readonly SourceProduct[],
  now: string,
): Promise<{ upserted: number; groupChanged: number }> {
  return db.transaction().execute(async (trx) => {
    const res = await upsertProducts(trx, jobId, products, now);
    if (res.groupChanged > 0) await setFullPassReason(trx, jobId, groupChangeReason(res.groupChanged));
    return res;
  });
}

/** Software group of each known product (products without a group yet are absent). */
export async function getProductGroups(
  db: Kysely<Database>,
  jobId: string,
  productIds: readonly string[],
): Promise<Map<string, string>> {
  const groups = new Map<string, string>();
  for (const [id, row] of await loadProducts(db, jobId, productIds)) {
    if (row.software_group !== null) groups.set(id, row.software_group);
  }
  return groups;
}

/**
 * Makes sure every installed product has a catalog row (a product can appear on a device
 * after the catalog step listed the catalog), and records its platform when still unknown.
 * Writes nothing for products already complete.
 *
 * Pages run at once in their own transactions and share catalog rows, so this takes no row
 * lock it does not need: existing rows are read (no lock), missing ones inserted with
 * `on conflict do nothing` (no lock on a row another page inserted), and only rows still
 * without a platform are updated, in product-id order, so two pages lock in the same order
 * and cannot deadlock (an `on conflict do update ... where` locks every conflicting row,
 * updated or not, in each page's own order: 24-41 deadlocks per 20k run on PostgreSQL).
 */
export async function ensureInstalledProducts(
  db: Kysely<Database>,
  jobId: string,
  installations: readonly InstallationUpsert[],
  now: string,
): Promise<void> {
  const byId = new Map(installations.map((i) => [i.productId, i]));
  const ids = [...byId.keys()].sort();
  // Only what is needed here (existence and platform): the hot path of every batch.
  const stored = new Map<string, string | null>();
  for (const part of chunks(ids, IN_CHUNK)) {
    const found = await db
      .selectFrom('software_catalog')
      .select(['product_id', 'platform'])
      .where('job_id', '=', jobId)
      .where('product_id', 'in', part)
      .execute();
    for (const r of found) stored.set(r.product_id, r.platform);
  }
  const rows = ids
    .filter((id) => !stored.has(id))
    .map((id) => {
      const i = byId.get(id)!;
      return {
        job_id: jobId,
        product_id: id,
        name: i.name,
        version: i.version ?? null,
        publisher: i.publisher ?? null,
        platform: i.platform ?? null,
        software_group: null,
        updated_at: now,
      };
    });
  for (const part of chunks(rows, INSERT_CHUNK_ROWS)) {
    await db
      .insertInto('software_catalog')
      .values(part)
      .onConflict((oc) => oc.columns(['job_id', 'product_id']).doNothing())
      .execute();
  }
  const platformUnknown = ids.filter((id) => stored.get(id) === null && byId.get(id)!.platform);
  for (const id of platformUnknown) {
    await db
      .updateTable('software_catalog')
      .set({ platform: byId.get(id)!.platform ?? null })
      .where('job_id', '=', jobId)
      .where('product_id', '=', id)
      .where('platform', 'is', null)
      .execute();
  }
}
