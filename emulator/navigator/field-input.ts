/**
 * Checks the fields a caller writes (a create, a step action, an admin edit) and turns them
 * into stored values: unknown or read-only names, fields outside the action's form, and
 * values a classification, date or reference field does not accept are refused by name.
 */
import type { ClassDef, FieldDef } from './classes';
import { refused } from './envelope';
import { MESSAGES } from './paths';
import type { NavigatorStore } from './store';
import { inputText, parseDateInput, type NavRecord, type Zone } from './values';

export interface FieldContext {
  store: NavigatorStore;
  zone: Zone;
}

function referenceValue(ctx: FieldContext, field: FieldDef, value: string): string | undefined {
  for (const kind of field.refersTo ?? []) {
    const record = ctx.store.of(kind)?.get(value);
    if (record) return record.OID ?? record.ID ?? undefined;
  }
  return undefined;
}

/** The stored form of one value, or undefined when the field does not accept it. */
function storedValue(ctx: FieldContext, field: FieldDef, text: string): string | null | undefined {
  if (text.trim() === '') return null;
  if (field.dictionary) return field.dictionary.find((v) => v.toLowerCase() === text.trim().toLowerCase());
  if (field.type === 'date') return parseDateInput(text, ctx.zone);
  if (field.type === 'reference') return referenceValue(ctx, field, text);
  return text;
}

/**
 * The checked values of `input` (canonical names). `onForm` says whether the action takes a
 * field; read-only fields are refused whatever it says.
 */
export function checkFields(
  ctx: FieldContext,
  def: ClassDef,
  input: Record<string, unknown>,
  onForm: (f: FieldDef) => boolean = () => true,
): NavRecord {
  const out: NavRecord = {};
  for (const [key, raw] of Object.entries(input)) {
    const field = def.field(key);
    if (!field) throw refused(MESSAGES.fieldNotFound(key));
    if (field.readOnly) throw refused(MESSAGES.readOnly(field.name));
    if (!onForm(field)) throw refused(MESSAGES.notOnForm(field.name));
    const text = inputText(raw);
    const value = text === undefined ? undefined : storedValue(ctx, field, text);
    if (value === undefined)
      throw refused(MESSAGES.invalidValue(typeof raw === 'string' ? raw : JSON.stringify(raw), field.name));
    out[field.name] = value;
  }
  return out;
}

/** Fills the template's defaults where a field is absent or empty. */
export function withDefaults(fields: NavRecord, defaults: Record<string, string>): NavRecord {
  const out = { ...fields };
  for (const [name, value] of Object.entries(defaults))
    if (out[name] === null || out[name] === undefined) out[name] = value;
  return out;
}

/** The first mandatory field still empty, refused by name. */
export function checkMandatory(fields: NavRecord, mandatory: string[]): void {
  for (const name of mandatory) {
    const v = fields[name];
    if (v === null || v === undefined || v.trim() === '') throw refused(MESSAGES.mandatory(name));
  }
}
