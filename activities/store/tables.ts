/**
 * Table row types of the Navigator store (kysely `Database`). Timestamps are ISO-8601 strings
 * and flags are 0/1 integers on both engines, so SQLite and PostgreSQL behave the same.
 */
import type { ColumnType, Generated } from 'kysely';
import type { NavigatorKind } from '../../common/domain';

/** Navigator record status: 'Active' for hand-made / legacy records, 'Auto-Added' for sync-created ones. */
export type RecordStatus = 'Auto-Added' | 'Active' | 'Retired';
/** Who created a record. */
export type RecordSource = 'alloyscan' | 'manual' | 'network-inventory';
export type RecordTableName = 'computers' | 'hardware';

/** One Computer or Hardware / Inventory Item (the two tables have the same columns). */
export interface RecordTable {
  id: Generated<number>;
  name: string | null;
  /** Trimmed, lower-cased name: the lookup key of the name rung and of `retire` by name. */
  name_key: string | null;
  dns_name: string | null;
  /** Lower-case colon form when it parses as a MAC, else the raw value. */
  mac_address: string | null;
  ip_address: string | null;
  serial_number: string | null;
  /** Normalised serial, null when junk: the key of the serial rung. */
  serial_key: string | null;
  asset_tag: string | null;
  device_type: string | null;
  status: RecordStatus;
  source: RecordSource;
  job_id: string | null;
  alloyscan_id: string | null;
  identity_rule: string | null;
  last_seen: string | null;
  audit_id: string | null;
  audit_date: string | null;
  platform: string | null;
  os_name: string | null;
  os_version: string | null;
  manufacturer: string | null;
  model: string | null;
  content_hash: string | null;
  expected_installations: Generated<number>;
  missing_from_alloyscan: Generated<number>;
  missing_confirmed_at: string | null;
  retired_at: string | null;
  written_back_at: string | null;
  /** The run that wrote the retirement back, and how: 'deleted' or 'already-gone'. */
  written_back_run: string | null;
  written_back_outcome: string | null;
  /** The run that flagged the device missing, and which part of it: 'walk' (unseen walk) or 'page'. */
  missing_run: string | null;
  missing_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface SoftwareCatalogTable {
  job_id: string;
  product_id: string;
  name: string;
  version: string | null;
  publisher: string | null;
  platform: string | null;
  /** Null for products first met in an installation, before the catalog step listed them. */
  software_group: string | null;
  updated_at: string;
}

/** A Discovered Installation: one software product on one Computer or Hardware record. */
export interface DiscoveredInstallationTable {
  record_kind: NavigatorKind;
  record_id: number;
  product_id: string;
  name: string;
  version: string | null;
  publisher: string | null;
  platform: string | null;
  install_date: string | null;
  updated_at: string;
}

export interface SyncJobTable {
  id: string;
  site_url: string;
  client_id: string;
  /** JSON of the SecretRef ({env} or {file}); never a secret value. */
  client_secret_ref: string;
  enabled: number;
  schedule_cron: string;
  schedule_time_zone: string;
  import_software: string;
  on_retire: string;
  tracked_groups: string;
  /** JSON of the remaining SyncJobConfig fields. */
  settings: string;
  updated_at: string;
  /** Why the next pass must be full (e.g. catalog products changed group); null when none is pending. */
  full_pass_reason: string | null;
  /** Set by `jobs delete`: the worker creates no schedule for the job while it is. */
  deleted_at: string | null;
}

export interface SyncRunTable {
  run_id: string;
  workflow_id: string;
  job_id: string;
  trigger: string;
  outcome: string;
  full: number;
  dry_run: number;
  started_at: string;
  finished_at: string;
  /** bigint: PostgreSQL returns it as a string. */
  duration_ms: ColumnType<number | string, number, number>;
  source_devices: number;
  imported_devices: number;
  expected_installations: number;
  stored_installations: number;
  /** JSON of the whole RunReport. */
  report: string;
}

export interface QuarantinedRecordTable {
  id: Generated<number>;
  job_id: string;
  run_id: string;
  source_id: string;
  kind: string;
  reason: string;
  raw_excerpt: string;
  created_at: string;
}

/** Scratch: source IDs seen by a run (purged when the run ends). */
export interface RunSeenTable {
  job_id: string;
  run_id: string;
  source_id: string;
  /** Offset of the page that first saw the id (a retried page re-marks its own ids harmlessly). */
  page_offset: number;
  /** The listing sweep that first saw the id (0: the pass; 1…: re-list sweeps of a moving list). */
  sweep: ColumnType<number, number | undefined, number>;
  /** The last sweep that listed the id. */
  last_sweep: ColumnType<number, number | undefined, number>;
}

/** Scratch: the total result of each committed batch of a run (purged when the run ends). */
export interface RunBatchTable {
  job_id: string;
  run_id: string;
  batch_key: string;
  /** JSON of the ApplyPageResult summed over every commit of the batch. */
  result: string;
}

/** The link of an AlloyScan device to a Navigator record, for a job writing into a Navigator. */
export interface NavigatorLinkTable {
  job_id: string;
  source_id: string;
  kind: NavigatorKind;
  /** Null while a create is pending (sent, answer not yet recorded). */
  guid: string | null;
  oid: string | null;
  /** How the record was found: created, lostAnswer, deviceId, nameSerial, serial, macName. */
  rule: string | null;
  /** JSON of the mapped values last written (field -> value). */
  mapped: string | null;
  /** The state record's content hash those values were computed from. */
  source_hash: string | null;
  /** A create was sent at this time and its outcome is not recorded: look by the device id field before creating again. */
  pending_since: string | null;
  retired_at: string | null;
  missing_marked_at: string | null;
  linked_run: string | null;
  updated_run: string | null;
  marked_run: string | null;
  /** The run that last met a refusal for this device (not retried again in that run). */
  refused_run: string | null;
  /** The run that created the record again after the linked one was deleted from Navigator. */
  recreated_run: string | null;
  /** The run that took Navigator's missing flag off the record (its device came back). */
  unflagged_run: string | null;
  updated_at: string;
}

/** A Navigator record's match keys, as listed at the start of a run (the identity rules' input). */
export interface NavigatorMirrorTable {
  job_id: string;
  guid: string;
  kind: NavigatorKind;
  oid: string | null;
  name_key: string | null;
  serial_key: string | null;
  mac_key: string | null;
  device_key: string | null;
  retired: number;
}

/** Per-run Navigator call counters, added to as calls complete (a killed attempt's calls stay counted). */
export interface NavigatorRunStatsTable {
  job_id: string;
  run_id: string;
  api_calls: number;
  write_calls: number;
  throttled: number;
  unknown_outcomes: number;
  refused: number;
  ambiguous: number;
}

/** One AlloyScan installation (device × product) and its Navigator Software Installation record. */
export interface NavigatorInstallationLinkTable {
  job_id: string;
  source_id: string;
  /** The AlloyScan product id. */
  product_id: string;
  /** The Computer value written (the device's Navigator OID, else GUID). */
  computer: string | null;
  /** The Navigator Software Catalog record (GUID) it names. */
  product_guid: string | null;
  guid: string | null;
  oid: string | null;
  /** created | adopted | lostAnswer. */
  rule: string | null;
  pending_since: string | null;
  /** Why it is not written: notInCatalog | ambiguousProduct | refused (checked again each run). */
  skip_reason: string | null;
  skip_run: string | null;
  removed_at: string | null;
  removed_run: string | null;
  linked_run: string | null;
  updated_at: string;
}

/** Scratch: AlloyScan calls of a run's retire steps, added to before each call goes out. */
export interface RunApiCallsTable {
  job_id: string;
  run_id: string;
  /** 'write-back' or 'missing'. */
  step: string;
  calls: number;
}

/** A run's scratch tables (job_id, run_id, ...): dropped when the run ends, or by the next run of the job. */
export const RUN_SCRATCH_TABLES = ['run_seen', 'run_batches', 'run_api_calls'] as const;

export interface Database {
  computers: RecordTable;
  hardware: RecordTable;
  software_catalog: SoftwareCatalogTable;
  discovered_installations: DiscoveredInstallationTable;
  sync_jobs: SyncJobTable;
  sync_runs: SyncRunTable;
  quarantined_records: QuarantinedRecordTable;
  run_seen: RunSeenTable;
  run_batches: RunBatchTable;
  run_api_calls: RunApiCallsTable;
  navigator_links: NavigatorLinkTable;
  navigator_mirror: NavigatorMirrorTable;
  navigator_run_stats: NavigatorRunStatsTable;
  navigator_installation_links: NavigatorInstallationLinkTable;
}

export function recordTable(kind: NavigatorKind): RecordTableName {
  return kind === 'computer' ? 'computers' : 'hardware';
}
