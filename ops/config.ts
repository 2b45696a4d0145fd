/**
 * The sync configuration file (YAML or JSON), validated once at start-up with the schema of
 * config-schema.ts. Every problem is listed at once with its field path; nothing connects
 * before it passes.
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
 * Every other field is optional: see config-schema.ts (or docs/configuration.md) for defaults.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../activities/failures';
import type { SyncJobConfig } from '../common/sync-types';
import { configSchema, type NavigatorConfig } from './config-schema';
import type { z } from 'zod';
import { pathText, unknownKeyMessages } from './config-paths';

export type SyncConfig = {
  store: z.output<typeof configSchema>['store'] & { databaseUrl?: string | undefined };
  metrics?: z.output<typeof configSchema>['metrics'];
  navigators: NavigatorConfig[];
  jobs: SyncJobConfig[];
};

/** Validate an already-parsed config object; `env` supplies DATABASE_URL. Lists every problem at once. */
export function parseConfig(raw: unknown, source: string, env: NodeJS.ProcessEnv = process.env): SyncConfig {
  const res = configSchema.safeParse(raw);
  const problems = [
    ...(res.success ? [] : res.error.issues.flatMap(issueProblems)),
    ...duplicateJobIds(raw),
    ...navigatorReferences(raw),
  ];
  if (!res.success || problems.length > 0) {
    const lines = problems.map((p) => `  - ${pathText(p.path, raw)}: ${p.message}`);
    throw new ConfigError(`invalid configuration in ${source}:\n${lines.join('\n')}`);
  }
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  return {
    store: { ...res.data.store, databaseUrl },
    metrics: res.data.metrics,
    navigators: res.data.navigators,
    jobs: res.data.jobs,
  };
}

/** A schema issue as problems: an unknown key each on its own, with the key it may have meant. */
function issueProblems(issue: z.core.$ZodIssue): { path: PropertyKey[]; message: string }[] {
  if (issue.code !== 'unrecognized_keys') return [{ path: issue.path, message: issue.message }];
  return unknownKeyMessages(configSchema, issue.path, issue.keys).map((message, i) => ({
    path: [...issue.path, issue.keys[i]!],
    message,
  }));
}

/**
 * Job ids used twice, read from the raw input: checked beside the schema, not after it, so a
 * duplicate is listed even when some job has other problems.
 */
function duplicateJobIds(raw: unknown): { path: PropertyKey[]; message: string }[] {
  const jobs = (raw as { jobs?: unknown } | null)?.jobs;
  if (!Array.isArray(jobs)) return [];
  const first = new Map<string, number>();
  const out: { path: PropertyKey[]; message: string }[] = [];
  jobs.forEach((job: unknown, i) => {
    const id = (job as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return;
    const earlier = first.get(id);
    if (earlier === undefined) first.set(id, i);
    else
      out.push({
        path: ['jobs', i, 'id'],
        message: `duplicate job id "${id}" (also jobs.${earlier}.id): job ids must be unique`,
      });
  });
  return out;
}

/**
 * Navigator ids used twice, and jobs naming a Navigator that is not configured: read from the
 * raw input beside the schema, so they are listed with every other problem.
 */
function navigatorReferences(raw: unknown): { path: PropertyKey[]; message: string }[] {
  const root = raw as { navigators?: unknown; jobs?: unknown } | null;
  const navigators = Array.isArray(root?.navigators) ? (root.navigators as unknown[]) : [];
  const ids = new Map<string, number>();
  const out: { path: PropertyKey[]; message: string }[] = [];
  navigators.forEach((n, i) => {
    const id = (n as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return;
    const earlier = ids.get(id);
    if (earlier === undefined) ids.set(id, i);
    else
      out.push({
        path: ['navigators', i, 'id'],
        message: `duplicate navigator id "${id}" (also navigators.${earlier}.id): navigator ids must be unique`,
      });
  });
  const jobs = Array.isArray(root?.jobs) ? (root.jobs as unknown[]) : [];
  jobs.forEach((job, i) => {
    const ref = (job as { navigator?: unknown } | null)?.navigator;
    if (typeof ref === 'string' && !ids.has(ref))
      out.push({
        path: ['jobs', i, 'navigator'],
        message: `names navigator "${ref}", which is not under navigators (${ids.size ? [...ids.keys()].join(', ') : 'none configured'})`,
      });
  });
  return out;
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
