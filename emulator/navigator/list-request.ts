/**
 * A listing request, from either form: the POST JSON body (keys in any case) or the GET
 * query (`par_fields`, `par_offset`, `par_limit`, `par_sort_asc`/`par_sort_desc`, and
 * `<Field>=<value>` filters with `=`).
 */
import { z } from 'zod';
import { describeIssues } from '../validate';
import { badRequest } from './envelope';
import { MESSAGES } from './paths';

export interface ListFilter {
  name: string;
  value: string;
  operation: string;
}

export interface ListRequest {
  fields?: string[];
  filters: ListFilter[];
  sort: { property: string; direction: 'asc' | 'desc' }[];
  offset: number;
  /** 0 = as many as the page cap allows. */
  limit: number;
  searchText?: string;
}

const scalar = z
  .union([z.string(), z.number(), z.boolean(), z.null()])
  .transform((v) => (v === null ? '' : String(v)));
const count = z.coerce.number().int().min(0);

const bodySchema = z.object({
  fields: z.array(z.string()).optional(),
  filters: z
    .array(z.object({ name: z.string(), value: scalar, operation: z.string().default('=') }))
    .default([]),
  sort: z
    .array(
      z.object({
        property: z.string(),
        direction: z
          .string()
          .default('asc')
          .transform((d) => d.toLowerCase())
          .pipe(z.enum(['asc', 'desc'])),
      }),
    )
    .default([]),
  offset: count.default(0),
  limit: count.default(0),
  searchtext: z.string().optional(),
});

function lowerKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(lowerKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toLowerCase(), lowerKeys(v)]));
}

/** The POST form; an empty body lists everything. */
export function parseListBody(body: unknown): ListRequest {
  const input = body === undefined || body === null || body === '' ? {} : lowerKeys(body);
  if (typeof input !== 'object' || Array.isArray(input))
    throw badRequest(MESSAGES.badRequest('the body must be a JSON object'));
  const parsed = bodySchema.safeParse(input);
  if (!parsed.success) throw badRequest(MESSAGES.badRequest(describeIssues(parsed.error)));
  const { searchtext, ...rest } = parsed.data;
  return { ...rest, searchText: searchtext };
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function countParam(name: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0)
    throw badRequest(MESSAGES.badRequest(`${name} must be a non-negative integer`));
  return n;
}

/** The GET form: the query as fastify parsed it (a repeated parameter counts once, the last). */
export function parseListQuery(query: Record<string, string | string[] | undefined>): ListRequest {
  const out: ListRequest = { filters: [], sort: [], offset: 0, limit: 0 };
  for (const [key, raw] of Object.entries(query)) {
    const value = Array.isArray(raw) ? (raw[raw.length - 1] ?? '') : (raw ?? '');
    const k = key.toLowerCase();
    if (k === 'par_fields') out.fields = list(value);
    else if (k === 'par_offset') out.offset = countParam(key, value);
    else if (k === 'par_limit') out.limit = countParam(key, value);
    else if (k === 'par_sort_asc' || k === 'par_sort_desc') {
      const direction = k === 'par_sort_asc' ? 'asc' : 'desc';
      for (const property of list(value)) out.sort.push({ property, direction });
    } else if (k === 'par_searchtext') out.searchText = value;
    else out.filters.push({ name: key, value, operation: '=' });
  }
  return out;
}
