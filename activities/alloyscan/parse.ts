/**
 * Applies the schemas of schema.ts to response bodies: a list is parsed item by item (a malformed
 * item is quarantined with its reason, the rest of the page goes on); a wrong envelope or a
 * malformed single record throws. Devices and snapshots go through fast-parse.ts first, which
 * gives zod's result for a well-formed record and leaves anything else to zod.
 */
import type { z } from 'zod';
import type { QuarantinedRecord, SourceSoftwareGroup } from '../../common/domain';
import { FailureType } from '../../common/failure-types';
import { AlloyScanError, QuarantineError } from './errors';
import { fastParse } from './fast-parse';
import { MAX_STRING, pageEnvelopeSchema, softwareGroupsSchema } from './schema';

export const MAX_EXCERPT = 2000;
const MAX_ISSUES = 5;

/** Zod issues as one readable line: `tags[0].name: Invalid input: expected string, received number`. */
export function formatIssues(error: z.ZodError): string {
  const lines = error.issues.slice(0, MAX_ISSUES).map((issue) => {
    const path = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '');
    const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
    return `${path || '(record)'}: ${missing ? `missing (expected ${issue.expected})` : issue.message}`;
  });
  const more = error.issues.length - MAX_ISSUES;
  return more > 0 ? `${lines.join('; ')}; and ${more} more` : lines.join('; ');
}

/** JSON of a raw record, truncated to at most MAX_EXCERPT characters. */
export function excerpt(raw: unknown): string {
  const json = JSON.stringify(raw) ?? String(raw);
  return json.length <= MAX_EXCERPT ? json : `${json.slice(0, MAX_EXCERPT - 1)}…`;
}

/** The record's own id when it is a readable string, else undefined. */
function readableId(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || !('id' in raw)) return undefined;
  const id = raw.id;
  return typeof id === 'string' && id.trim() !== '' && id.length <= MAX_STRING ? id : undefined;
}

export interface RequestRef {
  method: string;
  path: string;
  status: number;
}

/** Parses a `{ items, total }` envelope or throws SchemaMismatch. */
export function parseEnvelope(data: unknown, ref: RequestRef): { items: unknown[]; total: number } {
  const res = pageEnvelopeSchema.safeParse(data);
  if (res.success) return res.data;
  throw new AlloyScanError(
    FailureType.SchemaMismatch,
    `AlloyScan ${ref.method} ${ref.path} returned an unexpected list shape (${formatIssues(res.error)}): ` +
      'the site may run an API release this client does not know',
    ref,
  );
}

export interface ParsedItems<T> {
  items: T[];
  quarantined: QuarantinedRecord[];
}

/** Parses list items one by one; `position(i)` names an item without a readable id. */
export function parseItems<T>(
  raws: unknown[],
  schema: z.ZodType<T>,
  kind: string,
  position: (index: number) => string,
): ParsedItems<T> {
  const out: ParsedItems<T> = { items: [], quarantined: [] };
  raws.forEach((raw, i) => {
    const fast = fastParse(schema, raw);
    if (fast !== undefined) return void out.items.push(fast);
    const res = schema.safeParse(raw);
    if (res.success) out.items.push(res.data);
    else out.quarantined.push(quarantine(raw, kind, readableId(raw) ?? position(i), res.error));
  });
  return out;
}

/**
 * Parses one record: a body that is not a JSON object throws SchemaMismatch; a malformed record
 * throws QuarantineError (its sourceId: the record's id, else `fallbackId`).
 */
export function parseRecord<T>(
  raw: unknown,
  schema: z.ZodType<T>,
  kind: string,
  fallbackId: string,
  ref: RequestRef,
): T {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    const got = raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw;
    throw new AlloyScanError(
      FailureType.SchemaMismatch,
      `AlloyScan ${ref.method} ${ref.path} returned ${got} instead of a JSON object`,
      ref,
    );
  }
  const fast = fastParse(schema, raw);
  if (fast !== undefined) return fast;
  const res = schema.safeParse(raw);
  if (res.success) return res.data;
  throw new QuarantineError(quarantine(raw, kind, readableId(raw) ?? fallbackId, res.error));
}

/** Parses the software-groups list; any malformed group fails the whole list (it decides what is imported). */
export function parseGroups(data: unknown, ref: RequestRef): SourceSoftwareGroup[] {
  const res = softwareGroupsSchema.safeParse(data);
  if (res.success) return res.data.items;
  throw new AlloyScanError(
    FailureType.SchemaMismatch,
    `AlloyScan ${ref.method} ${ref.path} returned unexpected software groups (${formatIssues(res.error)})`,
    ref,
  );
}

function quarantine(raw: unknown, kind: string, sourceId: string, error: z.ZodError): QuarantinedRecord {
  return { sourceId, kind, reason: formatIssues(error), rawExcerpt: excerpt(raw) };
}
