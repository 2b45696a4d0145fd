/**
 * Every AlloyScan API path, field name and zod schema, in one module: a real site that differs
 * from the documentation (docs/alloyscan-api.md) is a one-file change here.
 *
 * Choices where the API documentation is silent, and the settings that cover them:
 * - Token path: `/api/oauth/token` (newer docs) by default; older sites (23.10 help page) use
 *   `/identity-server/connect/token`: the job's token path setting (`tokenPath` client option).
 *   Token response: `expires_in` missing → 3600 s (the documented value); `token_type` not checked.
 * - Page size: the caller passes `limit` (DEFAULT_PAGE_SIZE suggested); a site may return fewer
 *   items, so the caller advances `offset` by `received` (valid + quarantined) and stops at `total`.
 * - Snapshot payload: `operatingSystem { name, version, platform }` (platform normalised to
 *   Windows / Linux / macOS when it matches case-insensitively), `hardware { manufacturer, model,
 *   cpu, ramMb }`, `software [{ productId, name, version, publisher, installDate? }]`.
 * - Software groups: `GET /api/v1/software-groups` → `{ items: [{ name, trackInNavigator }] }`;
 *   a 404 there means "not served": the caller falls back to the job's `trackedGroups` setting.
 *
 * Leniency (real sites vary): unknown fields are ignored; string fields may be missing, null or
 * blank (→ undefined); a device without `type` gets `unknown`, a product without `softwareGroup`
 * is `Regular`; IDs are opaque non-blank strings (no UUID check). A record is malformed (and
 * quarantined, never silently dropped) on a wrong type, a missing ID or required name, a string
 * over 4096 characters, or a date that does not parse.
 */
import { z } from 'zod';
import { PLATFORMS } from '../../common/domain';

/** Default token path (newer AlloyScan releases). */
export const DEFAULT_TOKEN_PATH = '/api/oauth/token';
/** Token path of older releases (23.10 help page). */
export const LEGACY_TOKEN_PATH = '/identity-server/connect/token';
/** Page size the sync asks for; the emulator caps pages at 500, a real site may cap lower. */
export const DEFAULT_PAGE_SIZE = 500;

const seg = (id: string): string => encodeURIComponent(id);

/** Every API path the client calls. */
export const API_PATHS = {
  devices: '/api/v1/devices',
  device: (id: string) => `/api/v1/devices/${seg(id)}`,
  snapshot: (id: string) => `/api/v1/snapshots/${seg(id)}`,
  software: '/api/v1/software',
  product: (id: string) => `/api/v1/software/${seg(id)}`,
  softwareGroups: '/api/v1/software-groups',
} as const;

/** Form fields of the OAuth 2.0 client-credentials token request. */
export function tokenRequestBody(clientId: string, clientSecret: string): string {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
  });
  return form.toString();
}

export const MAX_STRING = 4096;
/** Used when a token response has no `expires_in`. */
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;

const text = z.string().max(MAX_STRING, `longer than ${MAX_STRING} characters`);
const blankToUndefined = (v: string | null | undefined): string | undefined =>
  v === null || v === undefined || v.trim() === '' ? undefined : v;
const optText = text.nullish().transform(blankToUndefined);
const isDate = (v: string | undefined): boolean => v === undefined || !Number.isNaN(Date.parse(v));
const optDate = optText.refine(isDate, 'not a parseable date');
const id = text.refine((v) => v.trim() !== '', 'empty id');
const optId = optText;
const name = text.refine((v) => v.trim() !== '', 'empty name');
const optNumber = z
  .number()
  .nonnegative()
  .nullish()
  .transform((v) => v ?? undefined);
const listOf = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((v) => v ?? []);

const tag = z.object({ id, name: text });

export const deviceSchema = z.object({
  id,
  name: optText,
  dnsName: optText,
  macAddress: optText,
  ipAddress: optText,
  serialNumber: optText,
  assetTag: optText,
  type: optText.transform((v) => v ?? 'unknown'),
  lastSeen: optDate,
  tags: listOf(tag),
});

export const deviceDetailSchema = deviceSchema.extend({
  auditId: optId,
  auditDate: optDate,
  auditSource: optText,
});

const platform = optText.transform((v) => PLATFORMS.find((p) => p.toLowerCase() === v?.toLowerCase()) ?? v);

export const installationSchema = z.object({
  productId: id,
  name,
  version: optText,
  publisher: optText,
  installDate: optDate,
});

export const snapshotSchema = z.object({
  id: optId,
  deviceId: optId,
  auditDate: optDate,
  operatingSystem: z
    .object({ name: optText, version: optText, platform })
    .nullish()
    .transform((v) => v ?? undefined),
  hardware: z
    .object({ manufacturer: optText, model: optText, cpu: optText, ramMb: optNumber })
    .nullish()
    .transform((v) => v ?? undefined),
  software: listOf(installationSchema),
});

export const productSchema = z.object({
  id,
  name,
  version: optText,
  publisher: optText,
  softwareGroup: optText.transform((v) => v ?? 'Regular'),
  installations: z
    .number()
    .int()
    .nonnegative()
    .nullish()
    .transform((v) => v ?? undefined),
});

/** The paged list envelope: items are parsed one by one afterwards. */
export const pageEnvelopeSchema = z.object({
  items: z.array(z.unknown()),
  total: z.number().int().nonnegative(),
});

export const softwareGroupsSchema = z.object({
  items: z.array(z.object({ name, trackInNavigator: z.boolean() })),
});

const ttl = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).pipe(z.number().positive());

export const tokenResponseSchema = z.object({
  access_token: z.string().refine((v) => v.trim() !== '', 'empty access_token'),
  token_type: z.string().nullish(),
  expires_in: ttl.nullish().transform((v) => v ?? DEFAULT_TOKEN_TTL_SECONDS),
});

/** OAuth 2.0 / API error bodies: `{ "error": "registration_disabled", "message": "..." }`. */
export const errorBodySchema = z.object({
  error: z.string().max(200).optional().catch(undefined),
  error_description: z.string().max(1000).optional().catch(undefined),
  message: z.string().max(1000).optional().catch(undefined),
});

/**
 * The parsed shape of a schema, with every key whose value may be undefined made optional
 * (zod's transforms leave them required-but-undefined), so literals may leave them out.
 */
type Parsed<S extends z.ZodType> = Lenient<z.output<S>>;
type Lenient<T> = {
  [K in keyof T as undefined extends T[K] ? K : never]?: T[K];
} & { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } extends infer O
  ? { [K in keyof O]: O[K] }
  : never;

/** A device as the device list returns it. */
export type SourceDevice = Parsed<typeof deviceSchema>;
/** GET /devices/{id}: the device plus its current snapshot's identity. */
export type SourceDeviceDetail = Parsed<typeof deviceDetailSchema>;
/** One software installation in a snapshot payload. */
export type SourceInstallation = Parsed<typeof installationSchema>;
/** GET /snapshots/{id}: the structured inventory payload; the client fills in a missing id. */
export type SourceSnapshot = Omit<Parsed<typeof snapshotSchema>, 'id'> & { id: string };
/** One product of the software catalog (GET /software). */
export type SourceProduct = Parsed<typeof productSchema>;
/** One software group with its "track in Alloy Navigator" toggle. */
export type SourceSoftwareGroup = z.output<typeof softwareGroupsSchema>['items'][number];
