/**
 * The zod schemas of AlloyScan's records (devices, snapshots, products, software groups) and
 * the types derived from them. Here, not in activities/alloyscan/ (which re-exports them), so
 * that common/domain.ts takes its types from a module that imports nothing of the project:
 * the leniency and quarantine rules are described in activities/alloyscan/schema.ts.
 */
import { z } from 'zod';
import { PLATFORMS } from './platforms';

export const MAX_STRING = 4096;

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

export const softwareGroupsSchema = z.object({
  items: z.array(z.object({ name, trackInNavigator: z.boolean() })),
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
