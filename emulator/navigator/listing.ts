/**
 * Runs a listing: fields, ANDed filters, searchText, sort, offset and the page cap, then the
 * answer `{Fields, Data}`. An `=` filter on an indexed field (or on ID) narrows the candidates
 * to its matches; otherwise the class is walked in ID order, stopping once the page is full
 * (unless a sort needs every match).
 */
import type { ClassDef, FieldDef } from './classes';
import { badRequest } from './envelope';
import type { ListFilter, ListRequest } from './list-request';
import { MESSAGES } from './paths';
import { byId, type ClassStore } from './store';
import {
  filterKey,
  formatValue,
  normalizeGuid,
  parsePeriod,
  textKey,
  type NavRecord,
  type Zone,
} from './values';

type Predicate = (r: NavRecord) => boolean;

export interface ListSettings {
  zone: Zone;
  pageCap: number;
  /** Rows this page may hold when it is to be short, given the full count (undefined: not short). */
  shorten: (rows: number) => number | undefined;
}

export interface ListAnswer {
  Fields: { Name: string; DataType: string; Caption: string }[];
  Data: string[][];
}

const OPERATIONS = ['=', '<>', '>', '>=', '<', '<='];

function fieldOf(def: ClassDef, name: string): FieldDef {
  const field = def.field(name);
  if (!field) throw badRequest(MESSAGES.fieldNotFound(name));
  return field;
}

function datePredicate(field: FieldDef, f: ListFilter, zone: Zone): Predicate {
  const name = field.name;
  if (f.value.trim() === '' && (f.operation === '=' || f.operation === '<>')) {
    const empty = f.operation === '=';
    return (r) => (r[name] === null) === empty;
  }
  const p = parsePeriod(f.value, zone);
  if (!p) throw badRequest(MESSAGES.invalidValue(f.value, name));
  const tests: Record<string, (v: string) => boolean> = {
    '=': (v) => v >= p.start && v < p.end,
    '<>': (v) => v < p.start || v >= p.end,
    '>': (v) => v >= p.end,
    '>=': (v) => v >= p.start,
    '<': (v) => v < p.start,
    '<=': (v) => v < p.end,
  };
  const test = tests[f.operation] as (v: string) => boolean;
  return (r) => {
    const v = r[name];
    return v === null || v === undefined ? f.operation === '<>' : test(v);
  };
}

function predicateOf(def: ClassDef, f: ListFilter, zone: Zone): Predicate {
  const field = fieldOf(def, f.name);
  if (!OPERATIONS.includes(f.operation)) throw badRequest(MESSAGES.badOperation(f.operation));
  if (field.type === 'date') return datePredicate(field, f, zone);
  if (f.operation !== '=' && f.operation !== '<>')
    throw badRequest(MESSAGES.operationOnText(f.operation, field.name));
  const key = filterKey(field, f.value);
  const equal = f.operation === '=';
  const name = field.name;
  return (r) => (textKey(r[name]) === key) === equal;
}

/** The smallest candidate set an `=` filter on ID or an indexed field gives, if any. */
function candidates(store: ClassStore, filters: ListFilter[]): NavRecord[] | undefined {
  let best: NavRecord[] | undefined;
  for (const f of filters) {
    if (f.operation !== '=') continue;
    const field = store.def.field(f.name);
    if (!field) continue;
    let found: NavRecord[] | undefined;
    if (field.type === 'guid' || field.type === 'oid') {
      const r = field.type === 'guid' ? store.byIdExact(normalizeGuid(f.value) ?? '') : store.get(f.value);
      found = r ? [r] : [];
    } else found = store.matching(field, filterKey(field, f.value));
    if (found && (!best || found.length < best.length)) best = found;
  }
  // A filter matching much of the class (Status = Active) pages faster by the ID-order walk.
  if (best && best.length > Math.max(1000, store.size / 8)) return undefined;
  return best?.sort(byId);
}

function searchPredicate(def: ClassDef, text: string | undefined): Predicate | undefined {
  const needle = textKey(text);
  if (needle === '') return undefined;
  return (r) => def.searchFields.some((f) => textKey(r[f.name]).includes(needle));
}

function comparator(def: ClassDef, sort: ListRequest['sort']): (a: NavRecord, b: NavRecord) => number {
  const keys = sort.map((s) => ({ field: fieldOf(def, s.property), sign: s.direction === 'desc' ? -1 : 1 }));
  return (a, b) => {
    for (const { field, sign } of keys) {
      const x = field.type === 'date' ? (a[field.name] ?? '') : textKey(a[field.name]);
      const y = field.type === 'date' ? (b[field.name] ?? '') : textKey(b[field.name]);
      if (x !== y) return x < y ? -sign : sign;
    }
    return byId(a, b);
  };
}

/** The records of one page, in order. */
function pageRecords(store: ClassStore, req: ListRequest, settings: ListSettings, want: number): NavRecord[] {
  const preds = req.filters.map((f) => predicateOf(store.def, f, settings.zone));
  const search = searchPredicate(store.def, req.searchText);
  if (search) preds.push(search);
  const order = req.sort.length > 0 ? comparator(store.def, req.sort) : undefined;
  const keep = (r: NavRecord): boolean => preds.every((p) => p(r));
  const narrowed = candidates(store, req.filters);
  if (narrowed || order) {
    const rows = (narrowed ?? store.inIdOrder()).filter(keep);
    if (order) rows.sort(order);
    return rows.slice(req.offset, req.offset + want);
  }
  const all = store.inIdOrder();
  if (preds.length === 0) return all.slice(req.offset, req.offset + want);
  const out: NavRecord[] = [];
  let skip = req.offset;
  for (let i = 0; i < all.length && out.length < want; i++) {
    const r = all[i] as NavRecord;
    if (!keep(r)) continue;
    if (skip > 0) skip--;
    else out.push(r);
  }
  return out;
}

/** One listing answer: at most min(limit, pageCap) rows, fewer when this page is to be short. */
export function runListing(store: ClassStore, req: ListRequest, settings: ListSettings): ListAnswer {
  const fields =
    req.fields && req.fields.length > 0 ? req.fields.map((n) => fieldOf(store.def, n)) : store.def.fields;
  const want = Math.min(req.limit > 0 ? req.limit : Infinity, settings.pageCap);
  const records = pageRecords(store, req, settings, want);
  const short = records.length > 1 ? settings.shorten(records.length) : undefined;
  const page = short === undefined ? records : records.slice(0, short);
  return {
    Fields: fields.map((f) => ({ Name: f.name, DataType: f.dataType, Caption: f.caption })),
    Data: page.map((r) => fields.map((f) => formatValue(f, r[f.name], settings.zone))),
  };
}
