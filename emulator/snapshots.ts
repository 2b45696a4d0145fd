/**
 * Audit snapshots and their software, generated on demand. A device has 1–3 historical
 * snapshots from its base audit, plus one per reaudit. Software at reaudit generation g
 * is the base selection evolved g times (removals, version bumps, additions): a pure
 * function of (seed, index, g), with no duplicate product within one snapshot.
 */
import { ID_KIND_SNAPSHOT, S, type Inventory } from './inventory';
import { hash3, makeId, parseId, pick, stream, weighted } from './prng';

const DAY_MS = 86_400_000;
const SOURCES = weighted({ Service: 55, Agent: 35, Import: 5, Manual: 5 });

export interface InstallModel {
  product: number;
  bumps: number;
  /** Reaudit generation that added it (0 = base audit). */
  addedGen: number;
}

export interface SnapshotModel {
  id: string;
  deviceIndex: number;
  number: number;
  auditMs: number;
  auditSource: string;
  /** Reaudit generation whose software this snapshot holds. */
  softwareGen: number;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** How many base-audit snapshots a device has (1..3). */
export function historyLength(g: Inventory, index: number): number {
  return 1 + (hash3(g.seed, index, S.history) % 3);
}

export function snapshotCount(g: Inventory, index: number, gen: number): number {
  return historyLength(g, index) + gen;
}

export function snapshotId(g: Inventory, index: number, number: number): string {
  return makeId(g.seed, ID_KIND_SNAPSHOT, index, number);
}

export function parseSnapshotId(g: Inventory, id: string): { index: number; number: number } | undefined {
  const parsed = parseId(g.seed, ID_KIND_SNAPSHOT, id);
  return parsed && { index: parsed.index, number: parsed.extra };
}

/** Snapshot `number` (0 = oldest) of a device; undefined when it does not exist (yet). */
export function snapshotAt(
  g: Inventory,
  index: number,
  number: number,
  gen: number,
): SnapshotModel | undefined {
  const history = historyLength(g, index);
  if (number < 0 || number >= history + gen) return undefined;
  const softwareGen = Math.max(0, number - history + 1);
  const auditMs =
    number < history
      ? g.auditMs(index, 0) - (history - 1 - number) * 7 * DAY_MS
      : g.auditMs(index, softwareGen);
  const sourceDraw = hash3(g.seed, index, S.source * 1000 + number) / 0x100000000;
  return {
    id: snapshotId(g, index, number),
    deviceIndex: index,
    number,
    auditMs,
    auditSource: softwareGen > 0 ? (sourceDraw < 0.5 ? 'Service' : 'Agent') : pick(SOURCES, sourceDraw),
    softwareGen,
  };
}

export function currentSnapshot(g: Inventory, index: number, gen: number): SnapshotModel {
  const snap = snapshotAt(g, index, historyLength(g, index) - 1 + gen, gen);
  if (!snap) throw new Error('unreachable: current snapshot always exists');
  return snap;
}

function baseSoftware(g: Inventory, index: number): InstallModel[] {
  const size = g.opts.catalogSize;
  const avg = g.opts.installationsPerDevice;
  const draw = g.u(index, S.swCount);
  const wanted = g.isComputer(index)
    ? Math.floor(draw * (2 * avg + 1))
    : 1 + Math.floor(draw * Math.max(1, avg / 4));
  const count = Math.min(wanted, size);
  const start = hash3(g.seed, index, S.swStart) % size;
  let stride = size > 1 ? 1 + (hash3(g.seed, index, S.swStride) % (size - 1)) : 1;
  while (gcd(stride, size) !== 1) stride = (stride % (size - 1)) + 1;
  const out: InstallModel[] = new Array<InstallModel>(count);
  for (let j = 0; j < count; j++) out[j] = { product: (start + j * stride) % size, bumps: 0, addedGen: 0 };
  return out;
}

/** One reaudit step: ~10% removed, ~15% version-bumped, 1–3 products added. */
function evolve(g: Inventory, index: number, k: number, list: InstallModel[]): InstallModel[] {
  const rng = stream(hash3(hash3(g.seed, k, S.reaudit), index, S.reaudit));
  const present = new Set(list.map((x) => x.product));
  const next: InstallModel[] = [];
  for (const item of list) {
    const r = rng();
    if (r < 0.1) present.delete(item.product);
    else next.push(r < 0.25 ? { ...item, bumps: item.bumps + 1 } : item);
  }
  const adds = 1 + Math.floor(rng() * 3);
  for (let added = 0, tries = 0; added < adds && tries < 30; tries++) {
    const product = Math.floor(rng() * g.opts.catalogSize);
    if (present.has(product)) continue;
    present.add(product);
    next.push({ product, bumps: 0, addedGen: k });
    added++;
  }
  return next;
}

/** The installations of a device at reaudit generation `gen`. */
export function softwareAt(g: Inventory, index: number, gen: number): InstallModel[] {
  if (!g.hasSoftware(index)) return [];
  let list = baseSoftware(g, index);
  for (let k = 1; k <= gen; k++) list = evolve(g, index, k, list);
  return list;
}

/** Install date (YYYY-MM-DD) for Windows/macOS installs; Linux package managers report none here. */
export function installDate(
  g: Inventory,
  index: number,
  item: InstallModel,
  platform: string | undefined,
): string | undefined {
  if (platform !== 'Windows' && platform !== 'macOS') return undefined;
  const audit = g.auditMs(index, item.addedGen);
  const daysBefore = item.addedGen > 0 ? 0 : 1 + (hash3(g.seed ^ item.product, index, S.install) % 700);
  return new Date(audit - daysBefore * DAY_MS).toISOString().slice(0, 10);
}
