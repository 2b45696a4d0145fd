/**
 * Discovered Installations: per record, add new products, update changed ones, remove
 * uninstalled ones, for a whole page at once (one IN lookup, multi-row upserts).
 */
import type { Kysely, Selectable } from 'kysely';
import type { InstallationUpsert, NavigatorKind } from '../../common/domain';
import { chunks, IN_CHUNK, INSERT_CHUNK_ROWS } from './batch';
import type { Database, DiscoveredInstallationTable } from './tables';

type InstallationRow = Selectable<DiscoveredInstallationTable>;

/** The installations one record must end up with. */
export interface InstallTarget {
  kind: NavigatorKind;
  recordId: number;
  installations: readonly InstallationUpsert[];
  /** Just created: nothing to compare against, skip the lookup. */
  isNew: boolean;
}

export interface InstallChanges {
  added: number;
  updated: number;
  removed: number;
}

/** One row per product: a product listed twice on a device keeps its last entry. */
export function dedupeInstallations(list: readonly InstallationUpsert[]): InstallationUpsert[] {
  return [...new Map(list.map((i) => [i.productId, i])).values()];
}

function toRow(t: InstallTarget, i: InstallationUpsert, now: string): InstallationRow {
  return {
    record_kind: t.kind,
    record_id: t.recordId,
    product_id: i.productId,
    name: i.name,
    version: i.version ?? null,
    publisher: i.publisher ?? null,
    platform: i.platform ?? null,
    install_date: i.installDate ?? null,
    updated_at: now,
  };
}

const COMPARED = ['name', 'version', 'publisher', 'platform', 'install_date'] as const;

function differs(a: InstallationRow, b: InstallationRow): boolean {
  return COMPARED.some((col) => a[col] !== b[col]);
}

async function loadExisting(db: Kysely<Database>, targets: readonly InstallTarget[]) {
  const existing = new Map<string, Map<string, InstallationRow>>();
  for (const kind of ['computer', 'hardware'] as const) {
    const ids = targets.filter((t) => !t.isNew && t.kind === kind).map((t) => t.recordId);
    for (const part of chunks(ids, IN_CHUNK)) {
      const rows = await db
        .selectFrom('discovered_installations')
        .selectAll()
        .where('record_kind', '=', kind)
        .where('record_id', 'in', part)
        .execute();
      for (const row of rows) {
        const key = `${kind}:${row.record_id}`;
        existing.set(key, (existing.get(key) ?? new Map<string, InstallationRow>()).set(row.product_id, row));
      }
    }
  }
  return existing;
}

/** Brings the targets' Discovered Installations in line with their lists; returns what changed. */
export async function syncInstallations(
  db: Kysely<Database>,
  targets: readonly InstallTarget[],
  now: string,
): Promise<InstallChanges> {
  const existing = await loadExisting(db, targets);
  const changes: InstallChanges = { added: 0, updated: 0, removed: 0 };
  const upserts: InstallationRow[] = [];
  for (const t of targets) {
    const before = existing.get(`${t.kind}:${t.recordId}`) ?? new Map<string, InstallationRow>();
    for (const inst of dedupeInstallations(t.installations)) {
      const row = toRow(t, inst, now);
      const old = before.get(inst.productId);
      before.delete(inst.productId);
      if (old !== undefined && !differs(old, row)) continue;
      upserts.push(row);
      if (old === undefined) changes.added++;
      else changes.updated++;
    }
    changes.removed += before.size;
    await removeProducts(db, t, [...before.keys()]);
  }
  await upsertRows(db, upserts);
  return changes;
}

async function removeProducts(db: Kysely<Database>, t: InstallTarget, productIds: string[]): Promise<void> {
  for (const part of chunks(productIds, IN_CHUNK)) {
    await db
      .deleteFrom('discovered_installations')
      .where('record_kind', '=', t.kind)
      .where('record_id', '=', t.recordId)
      .where('product_id', 'in', part)
      .execute();
  }
}

async function upsertRows(db: Kysely<Database>, rows: readonly InstallationRow[]): Promise<void> {
  for (const part of chunks(rows, INSERT_CHUNK_ROWS)) {
    await db
      .insertInto('discovered_installations')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['record_kind', 'record_id', 'product_id']).doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          version: eb.ref('excluded.version'),
          publisher: eb.ref('excluded.publisher'),
          platform: eb.ref('excluded.platform'),
          install_date: eb.ref('excluded.install_date'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}
