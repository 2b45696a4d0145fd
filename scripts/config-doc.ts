/**
 * Writes docs/configuration.md from the configuration schema (ops/config-schema.ts): each
 * field's type, default, allowed values and description, read from z.toJSONSchema() of the
 * input side (what the file holds). `npm run docs:config` runs it; test/docs/configuration.test.ts
 * fails when the file is stale. The text is formatted with the repository's Prettier settings.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { z } from 'zod';
import { configSchema, jobSchema, metricsSchema, storeSchema } from '../ops/config-schema';

const ROOT = resolve(__dirname, '../..');
export const CONFIGURATION_MD = resolve(ROOT, 'docs/configuration.md');

/** The part of JSON Schema that z.toJSONSchema() produces for this schema. */
interface Json {
  type?: string;
  properties?: Record<string, Json>;
  required?: string[];
  items?: Json;
  anyOf?: Json[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  pattern?: string;
  format?: string;
  minLength?: number;
  minItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
}

const code = (v: unknown): string => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;

/** A type as one line: nested objects inline (inside alternatives), `|` between alternatives. */
function typeOf(s: Json, inline = false): string {
  if (s.anyOf) return s.anyOf.map((a) => typeOf(a, true)).join(' | ');
  if (s.const !== undefined) return code(s.const);
  if (s.enum) return s.enum.map(code).join(' | ');
  if (s.type === 'array') return `list of ${s.items ? typeOf(s.items, inline) : 'any'}`;
  if (s.type === 'object') {
    if (!inline || !s.properties) return 'object';
    const fields = Object.entries(s.properties).map(([k, v]) => {
      const rule = allowed(v);
      return `${k}: ${typeOf(v, true)}${rule.length ? ` (${rule.join(', ')})` : ''}`;
    });
    return `{ ${fields.join(', ')} }`;
  }
  if (s.format === 'uri') return 'URL';
  return s.type ?? 'any';
}

/** Ranges and patterns a value must meet. */
function allowed(s: Json): string[] {
  const out: string[] = [];
  if (s.minimum !== undefined && s.maximum !== undefined) out.push(`${s.minimum} to ${s.maximum}`);
  else if (s.minimum !== undefined) out.push(`≥ ${s.minimum}`);
  if (s.exclusiveMinimum !== undefined) out.push(`> ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined && s.minimum === undefined) out.push(`≤ ${s.maximum}`);
  if (s.minLength === 1) out.push('not empty');
  if (s.minItems !== undefined) out.push(`at least ${s.minItems}`);
  if (s.pattern !== undefined) out.push(`matches ${code(s.pattern)}`);
  return out;
}

/** The default as it is written in the file. */
function defaultOf(s: Json): string | undefined {
  return s.default !== undefined ? code(s.default) : undefined;
}

/** One table row per field; an object field's own fields follow it as `field.sub` rows. */
function rows(shape: Record<string, z.ZodType>, s: Json, prefix = '', requireDescription = true): string[][] {
  return Object.entries(s.properties ?? {}).flatMap(([name, f]) => {
    const path = `${prefix}${name}`;
    if (requireDescription && !f.description)
      throw new Error(`${path} has no .describe() in ops/config-schema.ts`);
    const when = s.required?.includes(name) ? 'required' : (defaultOf(f) ?? 'optional');
    const row = [code(path), typeOf(f), when, allowed(f).join(', '), f.description ?? ''];
    const nested = f.type === 'object' && f.properties ? rows({}, f, `${path}.`, false) : ([] as string[][]);
    return [row, ...nested];
  });
}

function table(body: string[][]): string[] {
  const cell = (c: string) => c.replace(/\|/g, '\\|') || '-';
  const line = (r: string[]) => `| ${r.map(cell).join(' | ')} |`;
  return [
    line(['field', 'type', 'default', 'allowed', 'description']),
    '| --- | --- | --- | --- | --- |',
    ...body.map(line),
  ];
}

/** The reference, unformatted. */
function markdown(): string {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Json;
  const top = schema.properties!;
  const section = (name: string, heading: string, shape: Record<string, z.ZodType>, s: Json) => [
    `## ${heading}`,
    '',
    ...(s.description ? [s.description, ''] : []),
    ...table(rows(shape, s)),
    '',
  ];
  const store = storeSchema.def.innerType.shape;
  const metrics = metricsSchema.unwrap().shape;
  return [
    '# Configuration reference',
    '',
    '<!-- Generated from ops/config-schema.ts by scripts/config-doc.ts: edit the schema, then run `npm run docs:config`. -->',
    '',
    'One YAML or JSON file (`yaml` parses both) holds the store, the optional metrics endpoint and',
    'one or more jobs, one per AlloyScan site. It is validated once at start-up (`ops/config.ts`):',
    'every problem is listed with its field path (`jobs.0.pageSize: ...`), duplicate job ids',
    'included, and nothing connects until it passes. Unknown keys are errors. An invalid file is',
    'exit code 2.',
    '',
    '- `field` paths are relative to the section; `schedule.cron` is the `cron` key of `schedule`.',
    '- `required`: no default; `optional`: may be left out, no default.',
    '',
    '## Top level',
    '',
    '| key | default | holds |',
    '| --- | --- | --- |',
    `| \`store\` | ${code(top.store!.default)} | the Navigator store ([store](#store)) |`,
    "| `metrics` | optional | the worker's Prometheus endpoint ([metrics](#metrics)) |",
    `| \`jobs\` | required, at least ${top.jobs!.minItems} | the jobs ([jobs[]](#jobs)) |`,
    '',
    ...section('store', '`store`', store, top.store!),
    ...section('metrics', '`metrics`', metrics, top.metrics!),
    ...section('jobs', '`jobs[]`', jobSchema.shape, top.jobs!.items!),
    '## Checks beyond the table',
    '',
    '- `siteUrl` must be an `http` or `https` URL; trailing slashes are dropped.',
    '- `store.sqlitePath`, a relative `clientSecret.file`: relative to the working directory.',
    '- Job ids must be unique.',
    '- `schedule.cron` is checked by `ops/cron.ts`: five fields (minute 0-59, hour 0-23,',
    'day-of-month 1-31, month 1-12 or `JAN`-`DEC`, day-of-week 0-7 or `SUN`-`SAT`), each `*`, a',
    'number, a range `a-b`, any of those with a step `/n`, or a comma list of those; or one of',
    '`@hourly`, `@daily`, `@midnight`, `@weekly`, `@monthly`, `@yearly`, `@annually`,',
    '`@every <duration>` (`30m`, `2h`, `1h30m`; units `ms`, `s`, `m`, `h`, `d`). `schedule.timeZone`',
    'must be an IANA time zone the runtime knows (`UTC`, `Europe/Berlin`). Each job gets one',
    'Temporal Schedule, `sync-<id>` (`ops/schedules.ts`).',
    '',
    '## Secrets',
    '',
    '`clientSecret` is a reference, never the value: `{ env: NAME }` names an environment',
    'variable, `{ file: PATH }` a file read as UTF-8. Surrounding whitespace is trimmed. The',
    'reference is resolved by `ops/secrets.ts` each time an activity builds its AlloyScan client',
    '(`ops/site-client.ts`), so a rotated secret is used from the next activity attempt on.',
    "`test-connection` and `verify` resolve it in the CLI's own process, so the variable or file",
    'must be readable there too. A reference that cannot be read, or that is empty, fails the run',
    'with `BadConfig` (not retried; exit code 2); the message names the reference, never a value.',
    'Workflow inputs, histories, heartbeats, logs and the `sync_jobs` row hold only the reference.',
    '',
    '## Environment variables',
    '',
    '| variable | read by | effect |',
    '| --- | --- | --- |',
    '| `DATABASE_URL` | worker, CLI | a PostgreSQL URL; when set and not blank the store is PostgreSQL and `store.sqlitePath` is ignored |',
    '| `ALLOYSCAN_SYNC_CONFIG` | worker, CLI, `npm start` | the configuration file when `--config` is not given. The CLI then tries `alloyscan-sync.yaml`, `alloyscan-sync.yml`, `.data/demo-config.json`; the worker needs one of the two; `npm start` uses it instead of the demo site |',
    '| `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, `TEMPORAL_PROFILE`, TLS variables | worker, CLI | the Temporal connection ([production.md](production.md#connecting-to-temporal)) |',
    '| the variable of a `clientSecret: { env: NAME }` | worker; CLI `test-connection`, `verify` | the client secret |',
    '',
  ].join('\n');
}

/** The reference as docs/configuration.md must hold it. */
export async function configurationDoc(): Promise<string> {
  const options = (await resolveConfig(CONFIGURATION_MD)) ?? {};
  return format(markdown(), { ...options, parser: 'markdown' });
}

if (require.main === module) {
  configurationDoc().then(
    (text) => {
      writeFileSync(CONFIGURATION_MD, text);
      console.log(`wrote ${CONFIGURATION_MD}`);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
