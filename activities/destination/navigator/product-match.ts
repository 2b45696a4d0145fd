/**
 * Matching an AlloyScan product to a record of Navigator's Software Catalog (read only through
 * the API): by product name and version, compared trimmed, with inner runs of white space as
 * one space, case-insensitively. Two catalog records with the same key make the match
 * ambiguous: the installation is not written rather than written against a guess.
 */
import type { NavigatorRow } from '../../navigator/client-types';

/** The Software Catalog fields the match reads. */
export const PRODUCT_FIELDS = { id: 'ID', name: 'Product_Name', version: 'Version' } as const;

export type ProductMatch = { guid: string } | { reason: 'notInCatalog' | 'ambiguousProduct' };

function norm(value: string | null | undefined): string {
  return (value ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The key a product is matched on: its name and version, normalised. */
export function productKey(name: string | null | undefined, version: string | null | undefined): string {
  return `${norm(name)}\n${norm(version)}`;
}

/** The catalog's records by key (GUIDs lower-case, unbraced, each once). */
export function catalogIndex(rows: readonly NavigatorRow[]): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const r of rows) {
    const id = r[PRODUCT_FIELDS.id];
    const name = r[PRODUCT_FIELDS.name];
    if (!id || !name?.trim()) continue;
    const guid = id
      .trim()
      .replace(/^\{|\}$/g, '')
      .toLowerCase();
    const key = productKey(name, r[PRODUCT_FIELDS.version]);
    const list = index.get(key) ?? [];
    if (!list.includes(guid)) list.push(guid);
    index.set(key, list);
  }
  return index;
}

export function matchProduct(
  index: ReadonlyMap<string, readonly string[]>,
  name: string | null | undefined,
  version: string | null | undefined,
): ProductMatch {
  const found = index.get(productKey(name, version)) ?? [];
  if (found.length > 1) return { reason: 'ambiguousProduct' };
  const [guid] = found;
  return guid ? { guid } : { reason: 'notInCatalog' };
}
