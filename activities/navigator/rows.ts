/**
 * Reads the bodies of successful answers into rows (schema.ts): a listing's `Fields` + `Data`,
 * an object's `Items`. Every value goes through normaliseValue (braced GUIDs unbraced and
 * lower-case, `""` null). A body of the wrong shape is SchemaMismatch: the whole answer, not one
 * record, is unreadable.
 */
import type { z } from 'zod';
import { FailureType } from '../../common/failure-types';
import { formatIssues } from '../alloyscan/parse';
import type { NavigatorRow } from './client-types';
import { NavigatorError } from './errors';
import { listAnswerSchema, normaliseValue, objectAnswerSchema } from './schema';

export interface Where {
  navigatorId: string;
  method: string;
  path: string;
}

function mismatch(where: Where, what: string): NavigatorError {
  return new NavigatorError(
    FailureType.SchemaMismatch,
    `Navigator ${where.navigatorId} ${where.method} ${where.path} answered ${what}: this Navigator's API differs from the one the client knows`,
    { navigatorId: where.navigatorId, method: where.method, path: where.path },
  );
}

/** Parses `body` with `schema`, or throws SchemaMismatch naming the answer. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown, where: Where, what: string): T {
  const res = schema.safeParse(body);
  if (res.success) return res.data;
  throw mismatch(where, `an unexpected ${what} (${formatIssues(res.error)})`);
}

/** A listing's rows, keyed by the field names Navigator returned, in the order of `Fields`. */
export function rowsOf(body: unknown, where: Where): NavigatorRow[] {
  const { Fields, Data } = parseBody(listAnswerSchema, body, where, 'listing');
  const names = Fields.map((f) => f.Name);
  return Data.map((cells, i) => {
    if (cells.length !== names.length)
      throw mismatch(where, `row ${i} with ${cells.length} values for ${names.length} fields`);
    const row: NavigatorRow = {};
    names.forEach((name, j) => (row[name] = normaliseValue(cells[j])));
    return row;
  });
}

/** One object's fields by name. */
export function objectOf(body: unknown, where: Where): NavigatorRow {
  const { Items } = parseBody(objectAnswerSchema, body, where, 'object');
  const row: NavigatorRow = {};
  for (const item of Items) row[item.name] = normaliseValue(item.value);
  return row;
}
