/**
 * Deterministic hashing for on-demand generation: every generated value is a pure
 * function of (site seed, record index, salt), so nothing per device is ever stored.
 */

/** murmur3's 32-bit finaliser: a cheap, well-mixed bijection on uint32. */
function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uint32 hash of three integers (each taken modulo 2^32). */
export function hash3(a: number, b: number, c: number): number {
  let h = fmix32(a ^ 0x9e3779b9);
  h = fmix32(h ^ Math.imul(b >>> 0, 0x27d4eb2f) ^ Math.floor(b / 0x100000000));
  return fmix32(h ^ Math.imul(c >>> 0, 0x165667b1));
}

/** A float in [0, 1) from three integers. */
export function unit3(a: number, b: number, c: number): number {
  return hash3(a, b, c) / 0x100000000;
}

/** FNV-1a over a string: mixes names and ids into seeds. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small sequential PRNG for choices that need several draws. */
export function stream(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x100000000;
  };
}

/** Cumulative weights for `pick`; entries with weight <= 0 are dropped. */
export interface Weighted<T> {
  values: T[];
  cumulative: number[];
  total: number;
}

export function weighted<T extends string>(weights: Partial<Record<T, number>>): Weighted<T> {
  const values: T[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (const [key, w] of Object.entries(weights) as [T, number | undefined][]) {
    if (w === undefined || !(w > 0)) continue;
    total += w;
    values.push(key);
    cumulative.push(total);
  }
  if (values.length === 0) throw new Error('at least one weight must be positive');
  return { values, cumulative, total };
}

/** The value whose weight band contains u (u in [0, 1)). */
export function pick<T>(w: Weighted<T>, u: number): T {
  const x = u * w.total;
  for (let i = 0; i < w.cumulative.length; i++) {
    if (x < (w.cumulative[i] ?? 0)) return w.values[i] as T;
  }
  return w.values[w.values.length - 1] as T;
}

const HEX_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function hex(n: number, digits: number): string {
  return n.toString(16).padStart(digits, '0');
}

/**
 * A UUID-looking id: the first groups come from the hash of (seed, kind, index), the 4th
 * group's low bits are XOR-ed with `extra` (e.g. a snapshot number) and the last 12 hex
 * digits are the index. No RFC 4122 version/variant bits are forced, like SQL Server GUIDs.
 */
export function makeId(seed: number, kind: number, index: number, extra = 0): string {
  const a = hash3(seed, index, kind * 8 + 1);
  const b = hash3(seed, index, kind * 8 + 2);
  const c = hash3(seed, index, kind * 8 + 3) >>> 16;
  return `${hex(a, 8)}-${hex(b >>> 16, 4)}-${hex(b & 0xffff, 4)}-${hex((c ^ extra) & 0xffff, 4)}-${hex(index, 12)}`;
}

/** The (index, extra) an id was made from, or undefined when it is not one of ours. */
export function parseId(
  seed: number,
  kind: number,
  id: string,
): { index: number; extra: number } | undefined {
  if (!HEX_ID.test(id)) return undefined;
  const index = parseInt(id.slice(24), 16);
  const c = hash3(seed, index, kind * 8 + 3) >>> 16;
  const extra = (parseInt(id.slice(19, 23), 16) ^ c) & 0xffff;
  return makeId(seed, kind, index, extra) === id ? { index, extra } : undefined;
}

/** Random-looking hex of a given length from a hash stream. */
export function hexFrom(rng: () => number, digits: number): string {
  let s = '';
  while (s.length < digits) s += hex(Math.floor(rng() * 0x10000), 4);
  return s.slice(0, digits);
}
