/**
 * Navigator's Software Installations (read through the emulator's admin routes) against the
 * ground truth: one record per (live device of the state store, its stored installation whose
 * product is in Navigator's Software Catalog), matched by name + version (any letter case).
 */
import assert from 'node:assert/strict';
import type { SqlSyncStore } from '../../activities/store';
import type { Product } from '../../emulator/catalog';

type NavRecord = Record<string, string | null>;
type Admin = <T>(method: string, path: string, body?: unknown) => Promise<T>;

const ref = (v: string | null | undefined): string => (v ?? '').replace(/^\{|\}$/g, '').toLowerCase();

/** Navigator's catalog from the AlloyScan one: every fourth product left out, every third in upper case. */
export function navigatorProducts(catalog: readonly Product[]): Record<string, string>[] {
  return catalog
    .filter((p) => p.index % 4 !== 3)
    .map((p) => ({
      Product_Name: p.index % 3 === 0 ? p.name.toUpperCase() : p.name,
      Version: p.version,
      Manufacturer: p.publisher,
    }));
}

async function records(admin: Admin, cls: string): Promise<NavRecord[]> {
  return (await admin<{ records: NavRecord[] }>('GET', `/admin/records?class=${cls}`)).records;
}

export interface InstallationTruth {
  /** Installation records Navigator holds = (device, catalogued product) pairs expected. */
  records: number;
  /** Stored installations (all products) and those whose product Navigator lacks. */
  stored: number;
  notInCatalog: number;
}

/** Asserts Navigator holds exactly one record per expected pair and nothing else. */
export async function assertInstallationsMatch(
  admin: Admin,
  store: SqlSyncStore,
  jobId: string,
  catalog: readonly Product[],
  label: string,
): Promise<InstallationTruth> {
  const navCatalog = new Map(
    (await records(admin, 'SoftwareProducts')).map((p) => [
      `${String(p.Product_Name).toLowerCase()}|${p.Version}`,
      ref(p.ID),
    ]),
  );
  const products = new Map(catalog.map((p) => [p.id, p]));
  const computers = new Map<string, string>();
  for (const cls of ['Computers', 'InventoryItems'])
    for (const r of await records(admin, cls)) if (r.Audit_ID) computers.set(r.Audit_ID, ref(r.OID));
  const want = new Set<string>();
  let stored = 0;
  let notInCatalog = 0;
  for (const kind of ['computer', 'hardware'] as const)
    for (const r of await store.listRecords(kind, jobId)) {
      if (r.status === 'Retired' || r.retiredAt || r.missingFromAlloyScan) continue;
      const computer = computers.get(r.sourceId ?? '');
      assert.ok(computer, `${label}: ${r.sourceId} has a Navigator record`);
      for (const i of await store.listInstallations(kind, r.id)) {
        stored++;
        const p = products.get(i.product_id);
        assert.ok(p, `${label}: stored product ${i.product_id} is in the AlloyScan catalog`);
        const guid = navCatalog.get(`${p.name.toLowerCase()}|${p.version}`);
        if (guid) want.add(`${computer}|${guid}`);
        else notInCatalog++;
      }
    }
  const have = new Map<string, number>();
  for (const r of await records(admin, 'SoftwareInstallations')) {
    const key = `${ref(r.Computer)}|${ref(r.Product)}`;
    have.set(key, (have.get(key) ?? 0) + 1);
  }
  const duplicates = [...have].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
  assert.deepEqual(duplicates, [], `${label}: no Computer + Product twice`);
  const missing = [...want].filter((k) => !have.has(k));
  assert.deepEqual(missing, [], `${label}: expected installation records missing`);
  const extra = [...have.keys()].filter((k) => !want.has(k));
  assert.deepEqual(extra, [], `${label}: installation records of no expected pair`);
  return { records: want.size, stored, notInCatalog };
}
