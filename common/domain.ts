/**
 * Workflow-safe domain types shared by the AlloyScan client, the Navigator store, the
 * activities and the workflow. Plain data only: no classes, no I/O.
 */

/** Platforms the *selected platforms* import option can name. */
export const PLATFORMS = ['Windows', 'Linux', 'macOS'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** What to import of discovered software. */
export type ImportSoftware = { mode: 'all' } | { mode: 'none' } | { mode: 'selected'; platforms: Platform[] };

/** What happens in AlloyScan when a Navigator user retires a record. */
export type OnRetire = 'keep' | 'delete';

/** The fields that name and identify a device, on both sides (missing strings are undefined). */
export interface DeviceIdentity {
  name?: string | undefined;
  dnsName?: string | undefined;
  macAddress?: string | undefined;
  ipAddress?: string | undefined;
  serialNumber?: string | undefined;
  assetTag?: string | undefined;
}

/** A device as the AlloyScan device list returns it (normalised: missing strings are undefined). */
export interface SourceDevice extends DeviceIdentity {
  id: string;
  /** computer, printer, network-device, vmware-esxi, ... */
  type: string;
  lastSeen?: string | undefined;
  tags: { id: string; name: string }[];
}

/** GET /devices/{id}: the device plus its current snapshot's identity. */
export interface SourceDeviceDetail extends SourceDevice {
  auditId?: string | undefined;
  auditDate?: string | undefined;
  auditSource?: string | undefined;
}

/** One software installation in a snapshot payload. */
export interface SourceInstallation {
  productId: string;
  name: string;
  version?: string | undefined;
  publisher?: string | undefined;
  installDate?: string | undefined;
}

/** GET /snapshots/{id}: the structured inventory payload (the parts the sync uses). */
export interface SourceSnapshot {
  id: string;
  deviceId?: string | undefined;
  auditDate?: string | undefined;
  operatingSystem?:
    { name?: string | undefined; version?: string | undefined; platform?: string | undefined } | undefined;
  hardware?:
    | {
        manufacturer?: string | undefined;
        model?: string | undefined;
        cpu?: string | undefined;
        ramMb?: number | undefined;
      }
    | undefined;
  software: SourceInstallation[];
}

/** One product of the software catalog (GET /software). */
export interface SourceProduct {
  id: string;
  name: string;
  version?: string | undefined;
  publisher?: string | undefined;
  /** Regular | Required | Forbidden (opaque string: a release may add groups). */
  softwareGroup: string;
  installations?: number | undefined;
}

/** One software group with its "track in Alloy Navigator" toggle. */
export interface SourceSoftwareGroup {
  name: string;
  trackInNavigator: boolean;
}

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
