/**
 * The Navigator emulator's options: zod schemas (used by startNavigatorEmulator, the CLI and
 * the admin routes, so all reject the same bad input with the field named) and defaults.
 */
import { z } from 'zod';
import { parseWith } from '../validate';
import {
  DEFAULT_ACTIONS,
  DEFAULT_BASE_PATH,
  DEFAULT_CLASS_NAMES,
  DEFAULT_PAGE_CAP,
  DEFAULT_TEMPLATES,
  DEFAULT_TIME_ZONE_OFFSET,
} from './paths';

const rate = z.number().min(0).max(1);
const actionId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an action ID such as "301"');
const className = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be a URL class name such as Computers');

export const FAULT_KINDS = ['lostAnswer', 'drop', '5xx', '429'] as const;
export const FAULT_ROUTES = ['create', 'action', 'list', 'object', 'token'] as const;
export type FaultRoute = (typeof FAULT_ROUTES)[number];

export const failNextSchema = z.strictObject({
  kind: z.enum(FAULT_KINDS),
  count: z.number().int().min(1).max(1_000_000).default(1),
  /** Which calls it arms; absent: any API call but a token request. */
  route: z.enum(FAULT_ROUTES).optional(),
});
export type FailNext = z.output<typeof failNextSchema>;

export const navigatorFaultsSchema = z.strictObject({
  /** Seed of the per-call fault draws; default: the emulator's seed. */
  seed: z.number().int().optional(),
  rate5xx: rate.optional(),
  rateDrop: rate.optional(),
  rateSlow: rate.optional(),
  slowMs: z.number().int().min(0).max(600_000).optional(),
  rate429: rate.optional(),
  /** Retry-After of an injected 429, seconds (default 1). */
  retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
  /** Calls per wall-clock second over all clients (token requests included); 429 above it. */
  workloadLimit: z.number().int().positive().optional(),
  /** Lifetime of tokens issued from now on (default 8 h). */
  tokenTtlSeconds: z
    .number()
    .int()
    .min(1)
    .max(365 * 86_400)
    .optional(),
  /** Creates and step actions: committed, then the socket is destroyed with no answer. */
  rateLostAnswer: rate.optional(),
  failNext: z.union([failNextSchema, z.array(failNextSchema)]).optional(),
});
export type NavigatorFaults = z.input<typeof navigatorFaultsSchema>;

const productSchema = z.strictObject({
  Product_Name: z.string().min(1),
  Version: z.string().optional(),
  Manufacturer: z.string().optional(),
  Platform: z.string().optional(),
  Group: z.string().optional(),
});
export type ProductSeed = z.input<typeof productSchema>;

export const navigatorEmulatorOptionsSchema = z.strictObject({
  port: z.number().int().min(0).max(65_535).optional(),
  host: z.string().min(1).optional(),
  basePath: z
    .string()
    .regex(/^\/[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'must look like /api')
    .optional(),
  seed: z.number().int().optional(),
  classes: z
    .strictObject({
      computer: className.optional(),
      inventoryItem: className.optional(),
      person: className.optional(),
      softwareProduct: className.optional(),
      softwareInstallation: className.optional(),
    })
    .optional(),
  /** Serve the SoftwareInstallations class and its template (off by default). */
  softwareInstallations: z.boolean().optional(),
  templates: z
    .strictObject({
      computer: actionId.optional(),
      inventoryItem: actionId.optional(),
      person: actionId.optional(),
      softwareInstallation: actionId.optional(),
    })
    .optional(),
  actions: z
    .strictObject(
      Object.fromEntries(Object.keys(DEFAULT_ACTIONS).map((k) => [k, actionId.optional()])) as Record<
        keyof typeof DEFAULT_ACTIONS,
        z.ZodOptional<typeof actionId>
      >,
    )
    .optional(),
  pageCap: z.number().int().min(1).max(100_000).optional(),
  /** Share of listing pages answered with fewer rows than asked (at least one while rows remain). */
  shortPageRate: rate.optional(),
  errorsAsHttp200: z.boolean().optional(),
  /** Added to every create and step action before it commits: a real Navigator runs a workflow per write. */
  writeLatencyMs: z.number().int().min(0).max(60_000).optional(),
  timeZoneOffset: z
    .string()
    .regex(/^[+-](0\d|1[0-4]):[0-5]\d$/, 'must be an offset such as -07:00')
    .optional(),
  faults: navigatorFaultsSchema.optional(),
  registrations: z
    .array(
      z.strictObject({ clientId: z.string().min(1), secret: z.string().min(8), name: z.string().min(1) }),
    )
    .optional(),
  /** The software catalog: given products, or `count` generated from `seed`. */
  products: z
    .union([
      z.array(productSchema),
      z.strictObject({ count: z.number().int().min(0).max(1_000_000), seed: z.number().int().optional() }),
    ])
    .optional(),
});
export type NavigatorEmulatorOptions = z.input<typeof navigatorEmulatorOptionsSchema>;

export interface ResolvedOptions {
  port: number;
  host: string;
  basePath: string;
  seed: number;
  classes: typeof DEFAULT_CLASS_NAMES;
  softwareInstallations: boolean;
  templates: Record<keyof typeof DEFAULT_TEMPLATES, string>;
  actions: Record<keyof typeof DEFAULT_ACTIONS, string>;
  pageCap: number;
  shortPageRate: number;
  errorsAsHttp200: boolean;
  writeLatencyMs: number;
  /** Minutes east of UTC (-420 for -07:00) and its text. */
  offsetMinutes: number;
  timeZoneOffset: string;
  faults: NavigatorFaults;
  registrations: { clientId: string; secret: string; name: string }[];
  products: ProductSeed[] | { count: number; seed?: number | undefined };
}

function offsetMinutes(offset: string): number {
  const sign = offset.startsWith('-') ? -1 : 1;
  const [h, m] = offset.slice(1).split(':').map(Number);
  return sign * ((h ?? 0) * 60 + (m ?? 0));
}

/** Validates (throws `invalid navigator emulator options: <field>: <problem>`) and applies the defaults. */
export function resolveOptions(input: NavigatorEmulatorOptions = {}): ResolvedOptions {
  const o = parseWith(navigatorEmulatorOptionsSchema, 'navigator emulator options', input);
  const timeZoneOffset = o.timeZoneOffset ?? DEFAULT_TIME_ZONE_OFFSET;
  return {
    port: o.port ?? 0,
    host: o.host ?? '127.0.0.1',
    basePath: o.basePath ?? DEFAULT_BASE_PATH,
    seed: o.seed ?? 1,
    classes: { ...DEFAULT_CLASS_NAMES, ...stripUndefined(o.classes) },
    softwareInstallations: o.softwareInstallations ?? false,
    templates: { ...DEFAULT_TEMPLATES, ...stripUndefined(o.templates) },
    actions: { ...DEFAULT_ACTIONS, ...stripUndefined(o.actions) },
    pageCap: o.pageCap ?? DEFAULT_PAGE_CAP,
    shortPageRate: o.shortPageRate ?? 0,
    errorsAsHttp200: o.errorsAsHttp200 ?? false,
    writeLatencyMs: o.writeLatencyMs ?? 0,
    offsetMinutes: offsetMinutes(timeZoneOffset),
    timeZoneOffset,
    faults: o.faults ?? {},
    registrations: o.registrations ?? [],
    products: o.products ?? { count: 50 },
  };
}

function stripUndefined<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Validates fault options (throws a readable Error naming the field). */
export function parseFaults(input: unknown): NavigatorFaults {
  return parseWith(navigatorFaultsSchema, 'navigator fault options', input);
}
