/**
 * The sync configuration's schema: every field, its default and what it means, in one place.
 * The types the rest of the code uses are derived from it (common/sync-types.ts), and the
 * configuration reference (docs/configuration.md) is generated from the descriptions here.
 */
import { z } from 'zod';
import { DEFAULT_PAGE_SIZE, DEFAULT_TOKEN_PATH } from '../activities/alloyscan/schema';
import { DEFAULT_REQUESTS_PER_SECOND } from '../activities/alloyscan/settings';
import { DEFAULT_SQLITE_PATH } from '../activities/store/db';
import { importSoftwareSchema, onRetireSchema } from '../schemas/job-options';
import { DEFAULT_RETENTION_DAYS } from '../activities/store/retention';
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

const importSoftware = importSoftwareSchema;

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
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes')
    .describe(
      'The job: one AlloyScan site. Lower-case letters, digits and dashes; unique. Names the schedule (`sync-<id>`) and the runs.',
    ),
  enabled: z
    .boolean()
    .default(true)
    .describe('The schedule runs automatically. Off: the schedule is paused; forced runs still work.'),
  siteUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .transform((u) => u.replace(/\/+$/, ''))
    .describe('Base URL of the AlloyScan site, e.g. `https://acme.alloyservice.com`.'),
  clientId: z.string().min(1).describe('Client ID of the AlloyScan App registration (20 characters).'),
  clientSecret: secretRef.describe(
    "Where the App registration's client secret lives: `{ env: NAME }` or `{ file: PATH }`. A reference, never the value: it is read in the worker on each use.",
  ),
  tokenPath: z
    .string()
    .startsWith('/')
    .default(DEFAULT_TOKEN_PATH)
    .describe('Token endpoint path. Older AlloyScan releases use `/identity-server/connect/token`.'),
  schedule: z
    .strictObject({
      cron: cron.describe(
        'A cron expression (five fields) or a shorthand: `@every 30m`, `@hourly`, `@daily`, ...',
      ),
      timeZone: timeZone.default('UTC').describe('The IANA time zone the cron expression is read in.'),
    })
    .describe(
      'When scheduled runs start: a cron expression (or `@every 30m`, `@daily`, ...) in an IANA time zone (default UTC).',
    ),
  importSoftware: importSoftware
    .prefault('all')
    .describe(
      "Discovered software to import: `all`, `none`, or `{ selected: [Windows, Linux, macOS] }` (by the device's platform).",
    ),
  onRetire: onRetireSchema
    .default('keep')
    .describe(
      'When a Navigator user retires a record: `keep` its AlloyScan device, or `delete` it from AlloyScan on the next run.',
    ),
  trackedGroups: z
    .array(z.string().min(1))
    .default(['Required'])
    .describe(
      'Software groups imported when the site has no software-groups endpoint (otherwise the site\'s "Track in Alloy Navigator" toggles decide).',
    ),
  pageSize: z
    .int()
    .min(1)
    .max(1000)
    .default(DEFAULT_PAGE_SIZE)
    .describe('Devices asked for per device-list page (a site may return fewer).'),
  pageConcurrency: z
    .int()
    .min(1)
    .max(16)
    .default(2)
    .describe('Device-list pages processed at once, over all workers.'),
  requestsPerSecond: z
    .number()
    .positive()
    .max(100_000)
    .default(DEFAULT_REQUESTS_PER_SECOND)
    .describe('API requests per second the job may send to the site, over all workers.'),
  missingThreshold: z
    .number()
    .min(0)
    .max(1)
    .default(0.2)
    .describe(
      'Share of live devices a pass may flag missing before it stops and asks for confirmation (`force --confirm-missing`).',
    ),
  navigator: z
    .string()
    .optional()
    .describe(
      'The id of the Navigator (under `navigators`) this job writes into. Absent: the job writes only the SQL store.',
    ),
  fullRunIntervalHours: z
    .number()
    .min(0)
    .default(168)
    .describe(
      'A scheduled run re-reads every device when the last full pass is older than this many hours (0: never).',
    ),
});

/** Where a mapped Navigator field's value comes from (the AlloyScan side). */
export const MAPPING_SOURCES = [
  'deviceId',
  'name',
  'dnsName',
  'ipAddress',
  'macAddress',
  'serial',
  'assetTag',
  'manufacturer',
  'model',
  'osName',
  'osVersion',
  'platform',
  'auditDate',
] as const;

/** Navigator's own mapping-rule replacement modes. */
export const MAPPING_MODES = ['always', 'whenTargetEmpty', 'whenSourceHasValue'] as const;

const actionId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an action ID such as "301"');

export const navigatorSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes')
    .describe('The Navigator: jobs name it in `navigator`. Lower-case letters, digits and dashes; unique.'),
  apiUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .transform((u) => u.replace(/\/+$/, ''))
    .describe(
      "The API module's URL, with its virtual directory and without a version, e.g. `https://navigator.example.com/api`.",
    ),
  clientId: z
    .string()
    .min(1)
    .describe(
      'The Application ID of the Navigator application account (Settings App > Accounts and Roles > Applications).',
    ),
  clientSecret: secretRef.describe(
    "Where the application's Secret lives: `{ env: NAME }` or `{ file: PATH }`. As powerful as an administrator's password: a reference, never the value.",
  ),
  classes: z
    .strictObject({
      computer: z.string().min(1).default('Computers').describe('URL class name of Computers.'),
      inventoryItem: z
        .string()
        .min(1)
        .default('InventoryItems')
        .describe('URL class name of Inventory Items.'),
      softwareProduct: z
        .string()
        .min(1)
        .default('SoftwareProducts')
        .describe('URL class name of the Software Catalog (read only).'),
      softwareInstallation: z
        .string()
        .min(1)
        .optional()
        .describe(
          'URL class name of Software Installations, when the Navigator exposes one (with `templates.softwareInstallation`).',
        ),
    })
    .prefault({})
    .describe('URL class names of the Navigator object classes the sync reads and writes.'),
  templates: z
    .strictObject({
      computer: actionId.describe('Create action (Template) ID for Computers.'),
      inventoryItem: actionId.describe('Create action (Template) ID for Inventory Items.'),
      softwareInstallation: actionId.optional().describe('Create action ID for Software Installations.'),
    })
    .describe(
      'Create actions (Templates): Settings App, Customization > [Module] > [Class] > Workflow > Templates.',
    ),
  actions: z
    .strictObject({
      updateComputer: actionId.describe('Step action ID that updates a Computer with the mapped fields.'),
      updateInventoryItem: actionId.describe(
        'Step action ID that updates an Inventory Item with the mapped fields.',
      ),
      markMissing: z
        .strictObject({ computer: actionId.optional(), inventoryItem: actionId.optional() })
        .optional()
        .describe(
          'Step actions that flag a record whose device is gone from AlloyScan (never Retire). Absent: only the sync store flags it.',
        ),
      clearMissing: z
        .strictObject({ computer: actionId.optional(), inventoryItem: actionId.optional() })
        .optional()
        .describe(
          "Step actions that take the missing flag off a record whose device AlloyScan sees again (Status back, Missing Since cleared). Called only for a class whose `markMissing` action is set too (the flag is the sync's own); absent: only the sync store's flag is cleared and the record keeps Navigator's missing status.",
        ),
    })
    .describe('Step actions: Settings App, Customization > [Module] > [Class] > Workflow > Actions.'),
  deviceIdField: z
    .string()
    .min(1)
    .default('Audit_ID')
    .describe(
      'The Navigator field (physical name) that carries the AlloyScan device id: how a lost create is found again.',
    ),
  statusField: z
    .string()
    .min(1)
    .default('Status')
    .describe('The status field of Computers and Inventory Items.'),
  retiredStatus: z
    .string()
    .min(1)
    .default('Retired')
    .describe(
      "The status value a Navigator user's Retire action sets: such records are written back to AlloyScan.",
    ),
  fields: z
    .record(
      z.string().min(1),
      z.strictObject({
        from: z
          .enum(MAPPING_SOURCES)
          .nullable()
          .describe('The AlloyScan value; null drops a default mapping.'),
        mode: z.enum(MAPPING_MODES).default('whenSourceHasValue'),
      }),
    )
    .default({})
    .describe(
      'Mapping overrides: Navigator field -> `{ from, mode }` (mode `always`, `whenTargetEmpty` or `whenSourceHasValue`, the default, which never blanks a field).',
    ),
  pageSize: z
    .int()
    .min(1)
    .max(5000)
    .default(200)
    .describe('Rows asked for per listing call (Navigator may return fewer).'),
  requestsPerSecond: z
    .number()
    .positive()
    .max(10_000)
    .default(20)
    .describe('API requests per second the sync may send to this Navigator, per worker process.'),
  concurrency: z
    .int()
    .min(1)
    .max(64)
    .default(4)
    .describe(
      'Requests in flight at once to this Navigator, per worker process (each write runs a workflow action).',
    ),
});

export const storeSchema = z
  .strictObject({
    sqlitePath: z
      .string()
      .min(1)
      .default(DEFAULT_SQLITE_PATH)
      .describe(
        'The SQLite file of the Navigator store. The environment variable DATABASE_URL (PostgreSQL) wins when set.',
      ),
    retentionDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(DEFAULT_RETENTION_DAYS)
      .describe(
        "Days the run log (`runs`) and the quarantine are kept; each run drops its job's older rows at its end, keeping the last successful run.",
      ),
  })
  .default({ sqlitePath: DEFAULT_SQLITE_PATH, retentionDays: DEFAULT_RETENTION_DAYS });

export const metricsSchema = z
  .strictObject({
    bindAddress: z
      .string()
      .regex(/^[^\s:]*:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:9464 or 0.0.0.0:9464')
      .describe('Where the worker serves Prometheus metrics (`/metrics`). The worker flag --metrics wins.'),
  })
  .optional()
  .describe('Prometheus metrics of the worker: off unless given.');

/** The file: a store and one or more jobs. Duplicate job ids are checked beside it (ops/config.ts), so they are listed with every other problem. */
export const configSchema = z.strictObject({
  store: storeSchema.describe('The Navigator store: SQLite (one file) or PostgreSQL.'),
  metrics: metricsSchema,
  navigators: z
    .array(navigatorSchema)
    .default([])
    .describe(
      'Alloy Navigator Express instances, reached through their REST API: jobs name one in `navigator`.',
    ),
  jobs: z.array(jobSchema).min(1, 'list at least one job').describe('The sync jobs: one per AlloyScan site.'),
});

/** One sync job (one AlloyScan site), as validated: carries the secret's reference, never its value. */
export type JobConfig = z.output<typeof jobSchema>;
/** What to import of discovered software. */
export type ImportSoftwareOption = JobConfig['importSoftware'];
/** What happens in AlloyScan when a Navigator user retires a record. */
export type OnRetireOption = JobConfig['onRetire'];
/** Where the client secret lives. Only the reference travels; the value is resolved in the worker. */
export type SecretReference = JobConfig['clientSecret'];
/** One Navigator as configured: carries its secret's reference, never its value. */
export type NavigatorConfig = z.output<typeof navigatorSchema>;
export type MappingSource = (typeof MAPPING_SOURCES)[number];
export type MappingMode = (typeof MAPPING_MODES)[number];
