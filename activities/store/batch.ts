/** Batching helpers: keep every statement under SQLite's 32,766 and PostgreSQL's 65,535 parameters. */

/** Rows per multi-row INSERT: columns × rows stays far below both engines' parameter limits. */
export const INSERT_CHUNK_ROWS = 1000;
/** Values per `IN (...)` list. */
export const IN_CHUNK = 1000;

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function uniq<T>(items: Iterable<T | undefined>): T[] {
  const out = new Set<T>();
  for (const item of items) if (item !== undefined) out.add(item);
  return [...out];
}

/** Drivers return counts as number (SQLite) or string/bigint (PostgreSQL `count`/`sum`). */
export function toCount(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const n =
    typeof value === 'number' || typeof value === 'string' || typeof value === 'bigint' ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw new Error(`not a count: ${JSON.stringify(value)}`);
  return n;
}
