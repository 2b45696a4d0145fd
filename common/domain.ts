/**
 * Workflow-safe domain types shared by the AlloyScan client, the Navigator store, the
 * activities and the workflow. Plain data only: no classes, no I/O. Types derived from zod
 * schemas come from schemas/ (which imports nothing of the project), as types only.
 */

import type { SourceDevice } from '../schemas/alloyscan-records';

/** Platforms the *selected platforms* import option can name (the list itself: schemas/platforms.ts). */
export type { Platform } from '../schemas/platforms';

/** The job's software-import and retire options (derived from their schemas). */
export type {
  ImportSoftwareOption as ImportSoftware,
  OnRetireOption as OnRetire,
} from '../schemas/job-options';

/**
 * What the AlloyScan API returns, as its schemas (schemas/alloyscan-records.ts, re-exported by
 * activities/alloyscan/schema.ts) parse it: derived from them, so they cannot drift. Missing
 * strings are undefined.
 */
export type {
  SourceDevice,
  SourceDeviceDetail,
  SourceInstallation,
  SourceProduct,
  SourceSnapshot,
  SourceSoftwareGroup,
} from '../schemas/alloyscan-records';

/** The fields that name and identify a device, on both sides. */
export type DeviceIdentity = Pick<
  SourceDevice,
  'name' | 'dnsName' | 'macAddress' | 'ipAddress' | 'serialNumber' | 'assetTag'
>;

/** A record the API returned that failed its schema: kept with the reason, never dropped silently. */
export interface QuarantinedRecord {
  /** The record's id when it could be read, else a positional reference such as `devices?offset=100#3`. */
  sourceId: string;
  /** Which endpoint it came from: devices, device, snapshot, software. */
  kind: string;
  /** The schema problem(s), human readable, with field paths. */
  reason: string;
  /** A truncated JSON excerpt of the raw record (at most 2,000 characters). */
  rawExcerpt: string;
}

/** Navigator-side class of a device: Computers vs Hardware / Inventory Items. */
export type NavigatorKind = 'computer' | 'hardware';

/** AlloyScan device types that become Navigator Computers; every other type becomes Hardware. */
export const COMPUTER_TYPES: readonly string[] = [
  'computer',
  'workstation',
  'server',
  'laptop',
  'virtual-machine',
];

/** Which rung of the identity ladder matched an existing Navigator record. */
export type IdentityRule = 'sourceId' | 'serial' | 'mac' | 'name' | 'new';

/** An installation after filtering, ready to be stored as a Discovered Installation. */
export interface InstallationUpsert {
  productId: string;
  name: string;
  version?: string | undefined;
  publisher?: string | undefined;
  platform?: string | undefined;
  installDate?: string | undefined;
}

/** A device ready for the Navigator store, with its filtered installations. */
export interface DeviceUpsert extends DeviceIdentity {
  sourceId: string;
  kind: NavigatorKind;
  deviceType: string;
  lastSeen?: string | undefined;
  auditId?: string | undefined;
  auditDate?: string | undefined;
  platform?: string | undefined;
  osName?: string | undefined;
  osVersion?: string | undefined;
  manufacturer?: string | undefined;
  model?: string | undefined;
  /** Hash of every stored field and the filtered installations: equal hash = nothing to write. */
  contentHash: string;
  installations: InstallationUpsert[];
}
