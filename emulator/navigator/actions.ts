/**
 * Workflow actions: Templates (create actions, one per class: defaults, then mandatory
 * fields) and step actions (Update, Retire, Mark Missing, Clear Missing) on one record. A Retired record is
 * view-only: every step action on it is refused (see the choices in paths.ts).
 */
import type { ClassDef, FieldDef } from './classes';
import { badRequest, notFound, refused } from './envelope';
import { checkFields, checkMandatory, withDefaults, type FieldContext } from './field-input';
import type { ResolvedOptions } from './options';
import { MESSAGES, STATUS, TEMPLATE_RULES, type ClassKind } from './paths';
import type { ClassStore } from './store';
import type { NavRecord } from './values';

export type ActionKind = 'create' | 'update' | 'retire' | 'markMissing' | 'clearMissing';

export interface ActionDef {
  id: string;
  kind: ActionKind;
  classKind: ClassKind;
}

/** What a committed write answers, and what the counters need. */
export interface WriteResult {
  className: string;
  record: NavRecord;
  answer: { Succeed: true; ObjectID: string; ObjectOID: string };
}

const FORMS: Record<Exclude<ActionKind, 'create'>, (f: FieldDef) => boolean> = {
  update: (f) => f.name !== 'Status',
  retire: (f) => f.name === 'Notes',
  markMissing: (f) => ['Status', 'Missing_Since', 'Notes'].includes(f.name),
  clearMissing: (f) => ['Status', 'Missing_Since', 'Notes'].includes(f.name),
};

/** Every action the options define, by ID. */
export function actionTable(o: ResolvedOptions): Map<string, ActionDef> {
  const defs: ActionDef[] = [
    { id: o.templates.computer, kind: 'create', classKind: 'computer' },
    { id: o.templates.inventoryItem, kind: 'create', classKind: 'inventoryItem' },
    { id: o.templates.person, kind: 'create', classKind: 'person' },
    { id: o.actions.updateComputer, kind: 'update', classKind: 'computer' },
    { id: o.actions.updateInventoryItem, kind: 'update', classKind: 'inventoryItem' },
    { id: o.actions.retireComputer, kind: 'retire', classKind: 'computer' },
    { id: o.actions.retireInventoryItem, kind: 'retire', classKind: 'inventoryItem' },
    { id: o.actions.markMissingComputer, kind: 'markMissing', classKind: 'computer' },
    { id: o.actions.markMissingInventoryItem, kind: 'markMissing', classKind: 'inventoryItem' },
    { id: o.actions.clearMissingComputer, kind: 'clearMissing', classKind: 'computer' },
    { id: o.actions.clearMissingInventoryItem, kind: 'clearMissing', classKind: 'inventoryItem' },
  ];
  if (o.softwareInstallations)
    defs.push({ id: o.templates.softwareInstallation, kind: 'create', classKind: 'softwareInstallation' });
  const table = new Map<string, ActionDef>();
  for (const d of defs) {
    if (table.has(d.id)) throw new Error(`invalid navigator emulator options: action ID ${d.id} used twice`);
    table.set(d.id, d);
  }
  return table;
}

export function isViewOnly(record: NavRecord): boolean {
  return (record.Status ?? '').toLowerCase() === STATUS.retired.toLowerCase();
}

function answerOf(def: ClassDef, record: NavRecord): WriteResult {
  const answer = { Succeed: true as const, ObjectID: record.ID ?? '', ObjectOID: record.OID ?? '' };
  return { className: def.urlName, record, answer };
}

function objectBody(body: unknown, what: string): Record<string, unknown> {
  if (body === undefined || body === null || body === '') return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw badRequest(MESSAGES.badRequest(`${what} must be a JSON object`));
  return body as Record<string, unknown>;
}

/** The key of `body` whose lower-case name is `name`. */
function keyed(body: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(body).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : body[key];
}

export interface ActionContext extends FieldContext {
  actions: Map<string, ActionDef>;
  nowIso: () => string;
}

/** `POST <base>/v2` `{ActionId, Fields}`: runs a Template. */
export function runCreate(ctx: ActionContext, body: unknown): WriteResult {
  const b = objectBody(body, 'the body');
  const rawId = keyed(b, 'actionid');
  const id = typeof rawId === 'number' ? String(rawId) : typeof rawId === 'string' ? rawId.trim() : '';
  const action = ctx.actions.get(id);
  const store = action?.kind === 'create' ? ctx.store.of(action.classKind) : undefined;
  if (!action || !store) throw notFound(MESSAGES.actionNotFound(id));
  const rules = TEMPLATE_RULES[action.classKind] ?? { defaults: {}, mandatory: [] };
  const fields = withDefaults(
    checkFields(ctx, store.def, objectBody(keyed(b, 'fields'), 'Fields')),
    rules.defaults,
  );
  checkMandatory(fields, rules.mandatory);
  return answerOf(store.def, store.insert(fields, ctx.nowIso()));
}

function stepTarget(
  ctx: ActionContext,
  key: string,
  actionId: string,
): { store: ClassStore; record: NavRecord; action: ActionDef } {
  const found = ctx.store.findObject(key);
  if (!found) throw notFound(MESSAGES.objectNotFound(key));
  const action = ctx.actions.get(actionId);
  if (!action || action.kind === 'create' || action.classKind !== found.store.def.kind)
    throw notFound(MESSAGES.actionNotFound(actionId));
  return { ...found, action };
}

/** `POST <base>/v2/object/<oid>/action/<id>` with a flat body of fields. */
export function runStep(ctx: ActionContext, key: string, actionId: string, body: unknown): WriteResult {
  const { store, record, action } = stepTarget(ctx, key, actionId);
  if (isViewOnly(record)) throw refused(MESSAGES.notAvailable);
  const kind = action.kind as Exclude<ActionKind, 'create'>;
  const changes = checkFields(ctx, store.def, objectBody(body, 'the body'), FORMS[kind]);
  if (kind === 'retire') changes.Status = STATUS.retired;
  if (kind === 'markMissing') {
    changes.Status ??= STATUS.missing;
    if (changes.Missing_Since === undefined && record.Missing_Since === null)
      changes.Missing_Since = ctx.nowIso();
  }
  if (kind === 'clearMissing') {
    // What Mark Missing changed is put back: the status (Active, unless a user chose another
    // since) and the date it went missing.
    if (changes.Status === undefined && record.Status === STATUS.missing) changes.Status = STATUS.active;
    if (changes.Missing_Since === undefined) changes.Missing_Since = null;
  }
  store.update(record, changes, ctx.nowIso());
  return answerOf(store.def, record);
}

/** `GET …/action/<id>/check`: is the action open for this object now. */
export function checkStep(ctx: ActionContext, key: string, actionId: string): boolean {
  return !isViewOnly(stepTarget(ctx, key, actionId).record);
}
