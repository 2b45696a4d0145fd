/**
 * Site, fault and workload-limit options: the public types, their zod schemas (used by
 * addSite and the admin routes, so both reject the same bad input) and the defaults.
 */
import { z } from 'zod';
import { parseWith } from './validate';
import { workloadLimitSchema, type WorkloadLimit } from './workload-limit';

export type TokenPathKind = 'current' | 'legacy';

const rate = z.number().min(0).max(1);
const weight = z.number().min(0);
const somePositive = (w: Record<string, number | undefined>): boolean =>
  Object.values(w).some((v) => (v ?? 0) > 0);
const POSITIVE = 'needs at least one positive weight';

export const faultOptionsSchema = z.strictObject({
  /** Seed of the per-request fault sequence and of per-record malformed-ness; default: the site seed. */
  seed: z.number().int().optional(),
  rate429: rate.optional(),
  /** Retry-After header value on 429 (default 1); a negative value omits the header. */
  retryAfterSeconds: z.number().int().optional(),
  rate5xx: rate.optional(),
  slowRate: rate.optional(),
  slowMs: z.number().int().min(0).max(600_000).optional(),
  /** Connection destroyed without an answer; half the drops happen after the request was processed. */
  dropRate: rate.optional(),
  /** Per record (device, product), by id: missing id, wrong type, >64 KiB string, or extra fields (still valid). */
  malformedRate: rate.optional(),
});
export type FaultOptions = z.input<typeof faultOptionsSchema>;

export const siteOptionsSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]+$/, 'site name must match [a-z0-9-]+'),
  seed: z.number().int().optional(),
  devices: z.number().int().min(0).max(100_000_000).optional(),
  installationsPerDevice: z.number().min(0).max(10_000).optional(),
  catalogSize: z.number().int().min(1).max(1_000_000).optional(),
  platformMix: z
    .strictObject({ Windows: weight.optional(), Linux: weight.optional(), macOS: weight.optional() })
    .optional(),
  typeMix: z.record(z.string().min(1), weight).optional(),
  junkSerialRate: rate.optional(),
  duplicateSerialRate: rate.optional(),
  missingMacRate: rate.optional(),
  groupMix: z
    .strictObject({ Regular: weight.optional(), Required: weight.optional(), Forbidden: weight.optional() })
    .refine(somePositive, POSITIVE)
    .optional(),
  tracking: z.record(z.string().min(1), z.boolean()).optional(),
  tokenPaths: z
    .array(z.enum(['current', 'legacy']))
    .min(1)
    .optional(),
  softwareGroupsEndpoint: z.boolean().optional(),
  maxPageSize: z.number().int().min(1).max(100_000).optional(),
  tokenTtlSeconds: z.number().int().min(1).optional(),
  faults: faultOptionsSchema.optional(),
  /** Hard per-second/per-minute limits (429 above them); default: none. */
  workloadLimit: workloadLimitSchema.optional(),
});
export type SiteOptions = z.input<typeof siteOptionsSchema>;

/** Site options with every default applied. */
export interface ResolvedSiteOptions {
  name: string;
  seed: number;
  devices: number;
  installationsPerDevice: number;
  catalogSize: number;
  platformMix: Record<string, number>;
  typeMix: Record<string, number>;
  junkSerialRate: number;
  duplicateSerialRate: number;
  missingMacRate: number;
  groupMix: Record<string, number>;
  tracking: Record<string, boolean>;
  tokenPaths: TokenPathKind[];
  softwareGroupsEndpoint: boolean;
  maxPageSize: number;
  tokenTtlSeconds: number;
  faults: FaultOptions;
  workloadLimit: WorkloadLimit;
}

/** Validates (throws a readable Error naming the fields) and applies the defaults. */
export function resolveSiteOptions(input: SiteOptions): ResolvedSiteOptions {
  const o = parseWith(siteOptionsSchema, 'site options', input);
  return {
    name: o.name,
    seed: o.seed ?? 1,
    devices: o.devices ?? 200,
    installationsPerDevice: o.installationsPerDevice ?? 12,
    catalogSize: o.catalogSize ?? 300,
    platformMix: o.platformMix ?? { Windows: 70, Linux: 15, macOS: 15 },
    typeMix: o.typeMix ?? { computer: 80, printer: 8, 'network-device': 8, 'vmware-esxi': 4 },
    junkSerialRate: o.junkSerialRate ?? 0.05,
    duplicateSerialRate: o.duplicateSerialRate ?? 0.01,
    missingMacRate: o.missingMacRate ?? 0.05,
    groupMix: o.groupMix ?? { Regular: 60, Required: 30, Forbidden: 10 },
    tracking: { Required: true, Regular: false, Forbidden: false, ...o.tracking },
    tokenPaths: o.tokenPaths ?? ['current', 'legacy'],
    softwareGroupsEndpoint: o.softwareGroupsEndpoint ?? true,
    maxPageSize: o.maxPageSize ?? 500,
    tokenTtlSeconds: o.tokenTtlSeconds ?? 3600,
    faults: o.faults ?? {},
    workloadLimit: o.workloadLimit ?? {},
  };
}

/** Validates fault options (throws a readable Error). */
export function parseFaultOptions(input: unknown): FaultOptions {
  return parseWith(faultOptionsSchema, 'fault options', input);
}
