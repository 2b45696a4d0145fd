/**
 * The sync configuration file (YAML or JSON), validated once at start-up with zod. Every
 * problem is listed at once with its field path; nothing connects before it passes.
 *
 * ```yaml
 * store:
 *   sqlitePath: .data/navigator.sqlite     # default; DATABASE_URL (PostgreSQL) wins when set
 * jobs:
 *   - id: acme                              # [a-z0-9-], unique
 *     enabled: true                         # schedule runs automatically; off = forced runs only
 *     siteUrl: https://acme.alloyservice.com
 *     clientId: AbCdEfGhIjKlMnOpQrSt
 *     clientSecret: { env: ACME_CLIENT_SECRET }   # or { file: /run/secrets/acme } — never the value
 *     schedule: { cron: "0 2 * * *", timeZone: Europe/Berlin }
 *     importSoftware: all                   # all | none | { selected: [Windows, Linux, macOS] }
 *     onRetire: keep                        # keep | delete
 * ```
 * Optional per job: tokenPath, trackedGroups, pageSize, pageConcurrency, requestsPerSecond,
 * missingThreshold, fullRunIntervalHours (defaults below).
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../activities/failures';
import { PLATFORMS } from '../common/domain';
import type { SyncJobConfig } from '../common/sync-types';
import { cronProblem } from './cron';

const secretRef = z.union(
  [
    z.strictObject({
      env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'),
    }),
    z.strictObject({ file: z.string().min(1) }),
  ],
  { error: 'must be { env: NAME } or { file: PATH } (a reference, never the secret itself)' },
);

const importSoftware = z
  .union(
    [z.literal('all'), z.literal('none'), z.strictObject({ selected: z.array(z.enum(PLATFORMS)).min(1) })],
    {
      error: `must be "all", "none" or { selected: [${PLATFORMS.join(', ')}] }`,
    },
  )
  .transform((v) =>
    typeof v === 'string' ? { mode: v } : { mode: 'selected' as const, platforms: v.selected },
  );

const cron = z.string().superRefine((s, ctx) => {
  const problem = cronProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as UTC or Europe/Berlin');

export const jobSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes'),
  enabled: z.boolean().default(true),
  siteUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .transform((u) => u.replace(/\/+$/, '')),
  clientId: z.string().min(1),
  clientSecret: secretRef,
  tokenPath: z.string().startsWith('/').default('/api/oauth/token'),
  schedule: z.strictObject({ cron, timeZone: timeZone.default('UTC') }),
  importSoftware: importSoftware.default({ mode: 'all' }),
  onRetire: z.enum(['keep', 'delete']).default('keep'),
  trackedGroups: z.array(z.string().min(1)).default(['Required']),
  pageSize: z.int().min(1).max(1000).default(500),
  pageConcurrency: z.int().min(1).max(16).default(2),
  requestsPerSecond: z.number().positive().max(1000).default(20),
  missingThreshold: z.number().min(0).max(1).default(0.2),
  fullRunIntervalHours: z.number().min(0).default(168),
});

export const configSchema = z.strictObject({
  store: z.strictObject({ sqlitePath: z.string().min(1).default('.data/navigator.sqlite') }).default({
    sqlitePath: '.data/navigator.sqlite',
  }),
  jobs: z
    .array(jobSchema)
    .min(1, 'list at least one job')
    .refine((jobs) => new Set(jobs.map((j) => j.id)).size === jobs.length, 'job ids must be unique'),
});

export interface SyncConfig {
  store: { sqlitePath: string; databaseUrl?: string | undefined };
  jobs: SyncJobConfig[];
}

/** Validate an already-parsed config object; `env` supplies DATABASE_URL. */
export function parseConfig(raw: unknown, source: string, env: NodeJS.ProcessEnv = process.env): SyncConfig {
  const res = configSchema.safeParse(raw);
  if (!res.success) {
    const lines = res.error.issues.map(
      (i) => `  - ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`,
    );
    throw new ConfigError(`invalid configuration in ${source}:\n${lines.join('\n')}`);
  }
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  return { store: { ...res.data.store, databaseUrl }, jobs: res.data.jobs };
}

/** Read and validate the config file (YAML or JSON). */
export function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): SyncConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the configuration file ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`${path} is not valid YAML/JSON: ${(err as Error).message}`);
  }
  return parseConfig(raw, path, env);
}
