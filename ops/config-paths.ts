/**
 * How configuration problems name their place: a job or Navigator by its id
 * (`jobs[acme].siteUrl`, not `jobs.0.siteUrl`), and an unknown key with the known key it was
 * probably meant to be ("did you mean siteUrl?").
 */
import type { z } from 'zod';

type Path = readonly PropertyKey[];

/** The id of the list entry at `raw[list][index]`, when it has a string id used once. */
function entryId(raw: unknown, list: PropertyKey, index: PropertyKey): string | undefined {
  const entries = (raw as Record<PropertyKey, unknown> | null)?.[list];
  if (!Array.isArray(entries) || typeof index !== 'number') return undefined;
  const id = (entries[index] as { id?: unknown } | null)?.id;
  if (typeof id !== 'string' || id === '') return undefined;
  const uses = entries.filter((e) => (e as { id?: unknown } | null)?.id === id).length;
  return uses === 1 ? id : undefined;
}

/** `jobs[acme].schedule.cron`; an entry without a usable id keeps its index (`jobs.0.siteUrl`). */
export function pathText(path: Path, raw: unknown): string {
  if (path.length === 0) return '(root)';
  const [list, index, ...rest] = path;
  const id =
    (list === 'jobs' || list === 'navigators') && index !== undefined ? entryId(raw, list, index) : undefined;
  if (id === undefined) return path.map(String).join('.');
  return [`${String(list)}[${id}]`, ...rest.map(String)].join('.');
}

/** The object schema at `path` inside `schema` (through defaults, optionals and arrays), if any. */
function objectKeysAt(schema: z.ZodType, path: Path): string[] | undefined {
  let node: unknown = schema;
  const def = (n: unknown) => (n as { _zod?: { def?: Record<string, unknown> } })._zod?.def ?? {};
  const unwrap = (n: unknown): unknown => {
    for (
      let d = def(n);
      ['default', 'optional', 'nullable', 'prefault', 'readonly'].includes(String(d.type));
      d = def(n)
    )
      n = d.innerType;
    return n;
  };
  for (const step of path) {
    node = unwrap(node);
    const d = def(node);
    if (d.type === 'array' && typeof step === 'number') node = d.element;
    else if (d.type === 'object' && typeof step === 'string')
      node = (d.shape as Record<string, unknown>)[step];
    else return undefined;
  }
  const d = def(unwrap(node));
  return d.type === 'object' ? Object.keys(d.shape as Record<string, unknown>) : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The known key closest to `key` (case aside, at most a third of its letters off), if any. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: { k: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (!best || d < best.d) best = { k, d };
  }
  return best && best.d <= Math.max(1, Math.floor(best.k.length / 3)) ? best.k : undefined;
}

/** Per key (the path names it): "unknown key", or "unknown key: did you mean "siteUrl"?". */
export function unknownKeyMessages(schema: z.ZodType, path: Path, keys: readonly string[]): string[] {
  const known = objectKeysAt(schema, path) ?? [];
  return keys.map((key) => {
    const near = closestKey(key, known);
    return near ? `unknown key: did you mean "${near}"?` : 'unknown key';
  });
}
