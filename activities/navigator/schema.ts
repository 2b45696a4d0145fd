/**
 * Every path, parameter, class default, field name, message and zod schema of the Alloy
 * Navigator Express REST API as this client uses it (docs/navigator-api.md), in one module:
 * a real Navigator that differs is a one-file change here (or a setting, where noted).
 *
 * Choices where Navigator's documentation is silent:
 * 1. API URL: a per-Navigator setting (`navigators.<id>.apiUrl`, the virtual directory
 *    included); the client always sends version `v2`: `<apiUrl>/v2/...`.
 * 2. Token: `POST <apiUrl>/token`, form-encoded client credentials; a refusal is OAuth 2.0's
 *    400 `{"error":"invalid_client"}`; `expires_in` is read when present, else 8 h; renewed
 *    5 minutes before it runs out (at most half its lifetime early); `token_type` unchecked.
 * 3. Failures are classified by HTTP status, then by `errorText` (MESSAGES), never by
 *    `errorCode` (only reported). HTTP 200 with `success: false` is a failure. "Authorization
 *    has been denied" means a missing or expired token, whatever the status: one new token, one retry.
 * 4. Listing by `POST v2/<Class>` with lower-case keys; filters ANDed (no OR); default sort `ID`
 *    ascending; no total: page until an EMPTY page, advancing by the rows received; page size
 *    a setting (default 200).
 * 5. Values: GUIDs (braced upper-case) unbraced and lower-cased; `""` read as null; numbers and
 *    booleans (should one come) as their text.
 * 6. Create answer `{ Succeed, ObjectID, ObjectOID }` (step actions answer the same); a 2xx
 *    write answer that cannot be read is an 'unknown' outcome, never a failure to retry.
 * 7. Class names and action IDs are settings; class defaults below (CLASS_DEFAULTS).
 * 8. Dictionary (the values of a classification field): `GET v2/<Class>/Dictionary/<Field>`,
 *    answered like a listing with the fields `ID`, `Name`: the Names.
 * 9. A write whose request went out and whose answer did not come back (reset, hang-up,
 *    timeout) is outcome 'unknown', not retried by the client; a connection that never opened
 *    (refused, DNS) cannot have written and is a Transient failure.
 * 10. Rate: bounded concurrency and an adaptive budget per Navigator and worker process; 429
 *    and 503 slow it, Retry-After is honoured, timeouts slow it too.
 * 11. The status value Templates give new Computers: `Auto-Added` (TEMPLATE_DEFAULT_STATUS).
 * 12. An HTML answer is a web page, not the API (wrong apiUrl), unless its status is 5xx (a
 *    proxy's error page: transient); a 404 without a known message means no such route (apiUrl).
 */
import { z } from 'zod';

/** The API version the client always sends. */
export const API_VERSION = 'v2';
/** Token lifetime when the answer has no `expires_in` (the full edition's documented 8 h). */
export const DEFAULT_TOKEN_TTL_SECONDS = 8 * 3600;
/** Renew the token this long before it runs out. */
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

/** Default URL class names (the emulator's; a real Navigator's are settings). */
export const CLASS_DEFAULTS = {
  computer: 'Computers',
  inventoryItem: 'InventoryItems',
  softwareProduct: 'SoftwareProducts',
} as const;

/** Physical field names the client itself relies on. */
export const FIELDS = { id: 'ID', oid: 'OID', dictionaryName: 'Name' } as const;
/** The status Navigator's Templates give the records the sync creates. */
export const TEMPLATE_DEFAULT_STATUS = 'Auto-Added';

const seg = (part: string): string => encodeURIComponent(part);

/** Every path the client calls, relative to the API URL. */
export const PATHS = {
  token: '/token',
  list: (className: string) => `/${API_VERSION}/${seg(className)}`,
  object: (oid: string) => `/${API_VERSION}/object/${seg(oid)}`,
  create: `/${API_VERSION}`,
  action: (oid: string, actionId: string) => `/${API_VERSION}/object/${seg(oid)}/action/${seg(actionId)}`,
  check: (oid: string, actionId: string) =>
    `/${API_VERSION}/object/${seg(oid)}/action/${seg(actionId)}/check`,
  dictionary: (className: string, field: string) =>
    `/${API_VERSION}/${seg(className)}/Dictionary/${seg(field)}`,
} as const;

/** The messages Navigator answers with (its only documented error vocabulary). */
export const MESSAGES = {
  denied: /Authorization has been denied for this request/i,
  noPermission: /do not have enough permissions/i,
  classNotFound: /Object class "([^"]*)" not found/i,
  fieldNotFound: /Field "([^"]*)" not found/i,
  actionNotFound: /Action (\S+) not found/i,
  objectNotFound: /Object (\S+) not found/i,
  /**
   * Server trouble or throttling told only in the text (a Navigator that answers every error
   * as HTTP 200 with `success: false`): retried, never taken for a refusal of the record.
   */
  serverTrouble:
    /temporarily unavailable|unexpected error|internal server error|an error has occurred|timed? ?out|try again later|workload limit|too many requests/i,
  throttled: /workload limit|too many requests|try again later/i,
} as const;

/** Form body of the client-credentials token request. */
export function tokenRequestBody(clientId: string, clientSecret: string): string {
  return new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
  }).toString();
}

export interface ListBody {
  fields: string[];
  filters: { name: string; value: string; operation: string }[];
  sort: { property: string; direction: 'asc' | 'desc' }[];
  offset: number;
  limit: number;
}

/** A listing's POST body: operation `=` when not given, sort by ID ascending when not given. */
export function listBody(p: {
  fields: string[];
  filters?: { name: string; value: string; operation?: string }[] | undefined;
  sort?: { property: string; direction: 'asc' | 'desc' }[] | undefined;
  offset: number;
  limit: number;
}): ListBody {
  return {
    fields: p.fields,
    filters: (p.filters ?? []).map((f) => ({ name: f.name, value: f.value, operation: f.operation ?? '=' })),
    sort: p.sort?.length ? p.sort : [{ property: FIELDS.id, direction: 'asc' }],
    offset: p.offset,
    limit: p.limit,
  };
}

/** A create's body: the Template's ID and its form fields. */
export const createBody = (actionId: string, fields: Record<string, string>) => ({
  ActionId: actionId,
  Fields: fields,
});

const ttl = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).pipe(z.number().positive());

export const tokenAnswerSchema = z.object({
  access_token: z.string().refine((v) => v.trim() !== '', 'empty access_token'),
  token_type: z.string().nullish(),
  expires_in: ttl.nullish().transform((v) => v ?? DEFAULT_TOKEN_TTL_SECONDS),
});

/** OAuth 2.0 error body of the token endpoint. */
export const oauthErrorSchema = z.object({
  error: z.string().max(200).optional().catch(undefined),
  error_description: z.string().max(1000).optional().catch(undefined),
});

/** The envelope of every answer. */
export const envelopeSchema = z.object({
  success: z.boolean(),
  /** Reported only (never classified): a number, or undefined when absent or not numeric. */
  errorCode: z
    .union([z.number(), z.string()])
    .nullish()
    .transform((v) =>
      v === null || v === undefined || v === '' || Number.isNaN(Number(v)) ? undefined : Number(v),
    ),
  errorText: z.string().nullish(),
  responseObject: z.unknown(),
});

const cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const listAnswerSchema = z.object({
  Fields: z.array(
    z.object({ Name: z.string().min(1), DataType: z.string().nullish(), Caption: z.string().nullish() }),
  ),
  Data: z.array(z.array(cell)),
});

export const objectAnswerSchema = z.object({
  Items: z.array(
    z.object({ name: z.string().min(1), caption: z.string().nullish(), value: cell.optional() }),
  ),
});

export const writeAnswerSchema = z.object({
  Succeed: z.boolean(),
  ObjectID: z.string().nullish(),
  ObjectOID: z.string().nullish(),
});

export const checkAnswerSchema = z.object({ Result: z.boolean() });

const BRACED_GUID = /^\{([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}$/i;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One value as a row holds it: `""` → null, a GUID unbraced and lower-case, other scalars as text. */
export function normaliseValue(value: string | number | boolean | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  const text = String(value);
  const braced = BRACED_GUID.exec(text);
  if (braced) return braced[1]!.toLowerCase();
  return GUID.test(text) ? text.toLowerCase() : text;
}
