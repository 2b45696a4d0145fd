/**
 * The records of every class, in memory: by GUID, by OID, in ID order (a sorted array, new IDs
 * merged in at the next read) and with an index per indexed text field for `=` filters, so a
 * lookup by Audit_ID or Serial_Num on 100,000 records touches only the matches.
 */
import { fnv1a, hexFrom, stream } from '../prng';
import type { ClassDef, ClassRegistry, FieldDef } from './classes';
import type { ClassKind } from './paths';
import { normalizeGuid, textKey, type NavRecord } from './values';

type Bucket = NavRecord | Set<NavRecord>;

export class ClassStore {
  private readonly byId = new Map<string, NavRecord>();
  private readonly byOid = new Map<string, NavRecord>();
  private sorted: NavRecord[] = [];
  private pending: NavRecord[] = [];
  private readonly indexes = new Map<string, Map<string, Bucket>>();
  private nextOid = 1;
  private readonly rng: () => number;

  constructor(
    readonly def: ClassDef,
    seed: number,
  ) {
    this.rng = stream(seed ^ fnv1a(def.kind));
    for (const f of def.fields) if (f.indexed) this.indexes.set(f.name, new Map());
  }

  get size(): number {
    return this.byId.size;
  }

  /** Adds a record (fields by canonical name, already checked); sets ID, OID and the dates. */
  insert(fields: NavRecord, nowIso: string): NavRecord {
    const record: NavRecord = {};
    for (const f of this.def.fields) record[f.name] = fields[f.name] ?? null;
    record.ID = this.newGuid();
    if (this.def.oidPrefix) record.OID = `${this.def.oidPrefix}${String(this.nextOid++).padStart(6, '0')}`;
    if ('Created_Date' in record) record.Created_Date = nowIso;
    if ('Modified_Date' in record) record.Modified_Date = nowIso;
    this.byId.set(record.ID, record);
    if (record.OID) this.byOid.set(record.OID, record);
    this.pending.push(record);
    for (const [name, index] of this.indexes) add(index, textKey(record[name]), record);
    return record;
  }

  /** Writes `changes` (canonical names, checked) and stamps Modified_Date. */
  update(record: NavRecord, changes: NavRecord, nowIso: string): void {
    for (const [name, value] of Object.entries(changes)) {
      const index = this.indexes.get(name);
      if (index) {
        remove(index, textKey(record[name]), record);
        add(index, textKey(value), record);
      }
      record[name] = value;
    }
    if ('Modified_Date' in record) record.Modified_Date = nowIso;
  }

  /** Removes a record as a database administrator would (no action, no trace); false when absent. */
  delete(record: NavRecord): boolean {
    if (!record.ID || this.byId.get(record.ID) !== record) return false;
    this.byId.delete(record.ID);
    if (record.OID) this.byOid.delete(record.OID);
    this.sorted = this.sorted.filter((r) => r !== record);
    this.pending = this.pending.filter((r) => r !== record);
    for (const [name, index] of this.indexes) remove(index, textKey(record[name]), record);
    return true;
  }

  /** By OID (any case) or GUID (braced or not). */
  get(key: string): NavRecord | undefined {
    const guid = normalizeGuid(key);
    return guid ? this.byId.get(guid) : this.byOid.get(key.trim().toUpperCase());
  }

  /** Every record by ID ascending (lower-case text order); records, not IDs, so a scan does no lookups. */
  inIdOrder(): readonly NavRecord[] {
    if (this.pending.length > 0) {
      this.sorted = merge(this.sorted, this.pending.sort(byId));
      this.pending = [];
    }
    return this.sorted;
  }

  byIdExact(id: string): NavRecord | undefined {
    return this.byId.get(id);
  }

  /** The records whose `field` equals `value` (trimmed, any case), or undefined when not indexed. */
  matching(field: FieldDef, value: string): NavRecord[] | undefined {
    const index = this.indexes.get(field.name);
    if (!index) return undefined;
    const bucket = index.get(textKey(value));
    return bucket === undefined ? [] : bucket instanceof Set ? [...bucket] : [bucket];
  }

  /** Records in creation order (the ground truth). */
  all(): IterableIterator<NavRecord> {
    return this.byId.values();
  }

  private newGuid(): string {
    for (;;) {
      const h = hexFrom(this.rng, 32);
      const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
      if (!this.byId.has(id)) return id;
    }
  }
}

function add(index: Map<string, Bucket>, key: string, record: NavRecord): void {
  const bucket = index.get(key);
  if (bucket === undefined) index.set(key, record);
  else if (bucket instanceof Set) bucket.add(record);
  else index.set(key, new Set([bucket, record]));
}

function remove(index: Map<string, Bucket>, key: string, record: NavRecord): void {
  const bucket = index.get(key);
  if (bucket === record) index.delete(key);
  else if (bucket instanceof Set) {
    bucket.delete(record);
    if (bucket.size === 0) index.delete(key);
  }
}

/** Orders records by ID (lower-case GUID text). */
export function byId(a: NavRecord, b: NavRecord): number {
  return (a.ID ?? '') < (b.ID ?? '') ? -1 : 1;
}

function merge(a: NavRecord[], b: NavRecord[]): NavRecord[] {
  const out = new Array<NavRecord>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = byId(a[i]!, b[j]!) < 0 ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

/** Every class's records, and lookups across classes (a reference may point at several). */
export class NavigatorStore {
  private readonly stores = new Map<ClassKind, ClassStore>();

  constructor(
    readonly classes: ClassRegistry,
    seed: number,
  ) {
    for (const def of classes.all) this.stores.set(def.kind, new ClassStore(def, seed));
  }

  of(kind: ClassKind): ClassStore | undefined {
    return this.stores.get(kind);
  }

  /** The class store of a URL class name (any case). */
  byName(name: string): ClassStore | undefined {
    const def = this.classes.byName(name);
    return def && this.stores.get(def.kind);
  }

  /** An addressable record (a class with OIDs) by OID or GUID, with its class. */
  findObject(key: string): { store: ClassStore; record: NavRecord } | undefined {
    for (const store of this.stores.values()) {
      if (!store.def.oidPrefix) continue;
      const record = store.get(key);
      if (record) return { store, record };
    }
    return undefined;
  }
}
