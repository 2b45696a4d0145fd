/**
 * Every AlloyScan API path, field name and zod schema, in one module: a real site that differs
 * from the documentation (docs/alloyscan-api.md) is a one-file change here. The record schemas
 * (devices, snapshots, products, software groups) live in schemas/alloyscan-records.ts, where
 * common/ can derive its types from them without an import circle; they are re-exported here.
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

export * from '../../schemas/alloyscan-records';

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

/** Used when a token response has no `expires_in`. */
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;
/** The paged list envelope: items are parsed one by one afterwards. */
export const pageEnvelopeSchema = z.object({
  items: z.array(z.unknown()),
  total: z.number().int().nonnegative(),
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
