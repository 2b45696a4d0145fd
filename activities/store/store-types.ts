/**
 * The contract of the Navigator store: what the sync activities need from it. One
 * implementation (kysely) serves both engines: SQLite (default) and PostgreSQL (DATABASE_URL).
 */
import type { PruneResult } from './retention';
import type { MissingBy } from './presence-repository';
import type { RetireCallStep } from './run-calls';
import type {
  DeviceUpsert,
  IdentityRule,
  NavigatorKind,
  QuarantinedRecord,
  SourceProduct,
} from '../../common/domain';
import type { RunReport, SyncJobConfig } from '../../common/sync-types';

/** What the store remembers of a device, to decide whether it changed since the last run. */
export interface StoredDeviceState {
  sourceId: string;
  lastSeen?: string | undefined;
  auditId?: string | undefined;
  contentHash?: string | undefined;
}

/** The outcome of applying one page of devices. */
export interface ApplyPageResult {
  added: number;
  updated: number;
  unchanged: number;
  /** Existing records adopted by a rung of the ladder other than sourceId (legacy / hand-made records). */
  adopted: Partial<Record<IdentityRule, number>>;
  installationsAdded: number;
  installationsUpdated: number;
  installationsRemoved: number;
  /** Up to `sampleSize` names per kind of change, for dry-run reports. */
  samples: { added: string[]; updated: string[] };
}

/** Identifies one batch of a run, so a re-apply after a committed attempt keeps the first counts. */
export interface BatchKey {
  runId: string;
  key: string;
}

export interface ApplyPageOptions {
  dryRun?: boolean;
  sampleSize?: number;
  /** Not on a dry run: sum this apply with earlier commits of the same batch (see `applyDevicePage`). */
  batch?: BatchKey;
}

export interface JobState {
  /** `enabled` of the job's configuration when the store last saw it. */
  configEnabled: boolean;
  deletedAt?: string | undefined;
}

export interface WriteBackDone {
  at: string;
  runId: string;
  outcome: 'deleted' | 'already-gone';
}

export interface WriteBackTally {
  deleted: number;
  alreadyGone: number;
  /** Of the deleted, those whose device the run had listed: no longer in the source it counted. */
  deletedListed: number;
}

/** A Navigator record retired by a user whose AlloyScan record may need deleting. */
export interface PendingWriteBack {
  kind: NavigatorKind;
  recordId: number;
  sourceId: string;
  name?: string | undefined;
  retiredAt: string;
  /** The run whose attempt began deleting it (sent its DELETE) without recording the outcome. */
  deletingRun?: string | undefined;
}

export interface RecordSummary {
  kind: NavigatorKind;
  recordId: number;
  name?: string | undefined;
  status: string;
  missingFromAlloyScan: boolean;
  missingConfirmedAt?: string | undefined;
  identityRule?: string | undefined;
}

/** The sum of a run's committed batch results (see applyDevicePage's `batch` option). */
export interface RunTally {
  batches: number;
  added: number;
  updated: number;
  adopted: ApplyPageResult['adopted'];
  installationsAdded: number;
  installationsUpdated: number;
  installationsRemoved: number;
}

export interface StoreCounts {
  computers: number;
  hardware: number;
  /** computers + hardware that are linked to this job's source, not retired and not flagged missing. */
  liveDevices: number;
  /** Discovered Installations stored for this job's live devices. */
  installations: number;
  /** Sum of the per-device filtered installation counts recorded at upsert time. */
  expectedInstallations: number;
  flaggedMissing: number;
  /** Retired records of this job whose AlloyScan device was kept (not yet deleted): still in the source. */
  retiredInSource: number;
}

export interface SyncStore {
  /** The state of jobs that write into a Navigator: links, the mirror of its records, counters. */
  readonly navigator: NavigatorStateStore;
  /** Run pending migrations (idempotent). */
  migrate(): Promise<void>;
  close(): Promise<void>;

  /** Create or update the job's row (configuration, secret only as a reference). */
  upsertJob(job: SyncJobConfig): Promise<void>;
  /** What the store knows of a job: the `enabled` its configuration had when last applied, and a deletion. */
  jobState(jobId: string): Promise<JobState | undefined>;
  /** Marks the job deleted (`jobs delete`), or clears the mark (`jobs restore`, with `at` null). */
  setJobDeleted(jobId: string, at: string | null): Promise<void>;
  /** The records a run quarantined, with their reasons, oldest first. */
  listQuarantine(jobId: string, runId: string, limit: number): Promise<QuarantinedRecord[]>;

  /** Known state of the given devices for this job (absent = new to the store). */
  getDeviceStates(jobId: string, sourceIds: string[]): Promise<Map<string, StoredDeviceState>>;

  /**
   * Apply a page of devices idempotently: identity ladder for devices new to the job
   * (linking the adopted record to the job and source ID), write only devices whose
   * contentHash changed, add/update/remove their installations, clear a missing flag.
   * With `dryRun`, compute the same result inside a transaction that is rolled back.
   * With `batch` (not a dry run), the result is summed, in the same transaction, with what
   * earlier commits of that batch recorded: a retry re-applying a committed batch returns the
   * first commit's counts (`unchanged` = distinct devices − added − updated, never negative).
   */
  applyDevicePage(jobId: string, devices: DeviceUpsert[], opts?: ApplyPageOptions): Promise<ApplyPageResult>;

  /**
   * Record that this run saw these devices on the page at `pageOffset` (a scratch table,
   * not inventory; purged by `endRun`). Returns the ids that were already seen on a
   * DIFFERENT page of the run (offset-paging repeats), which the caller must not process
   * again. Re-marking the same page (an activity retry) returns none of its own ids. `sweep`
   * (default 0, the pass) numbers a re-list sweep: ids an earlier sweep listed are repeats,
   * and every id it lists is marked as listed by it.
   */
  markSeen(
    jobId: string,
    runId: string,
    pageOffset: number,
    sourceIds: string[],
    sweep?: number,
  ): Promise<Set<string>>;
  /** Drop the run's scratch rows (seen set, batch ledger, retire call counters). */
  endRun(jobId: string, runId: string): Promise<void>;
  /** Drop the scratch rows of the job's other runs (ended by a failure); returns how many. */
  dropStaleScratch(jobId: string, keepRunId: string): Promise<number>;
  /** Drop the job's run log and quarantine rows older than `before` (ISO), keeping its last success. */
  pruneRunLog(jobId: string, before: string): Promise<PruneResult>;

  /**
   * Upsert catalog products; returns how many changed software group since they were stored.
   * When some did, records the job's full-pass reason in the same transaction (existing job only).
   */
  upsertCatalog(
    jobId: string,
    products: SourceProduct[],
  ): Promise<{ upserted: number; groupChanged: number }>;
  /** Why the job's next pass must be full (set by `upsertCatalog`, kept by `upsertJob`). */
  fullPassReason(jobId: string): Promise<string | undefined>;
  /** Clears the pending full-pass reason (once a full pass has consumed it). */
  clearFullPassReason(jobId: string): Promise<void>;

  /** Software group of each product id known to the catalog (unknown ids are absent). */
  getProductGroups(jobId: string, productIds: string[]): Promise<Map<string, string>>;

  /**
   * Refresh the query planner's statistics of tables a bulk load changed (PostgreSQL; SQLite
   * needs none). A first import fills tables minutes before the queries that count them run,
   * sooner than a production server's autovacuum analyses them (or never, with it off).
   * Returns the tables analysed.
   */
  refreshStatistics(): Promise<string[]>;

  /** Live devices of this job not seen by `runId`, or not by its sweep `sweep` when > 0 (candidates for the missing flag). */
  listUnseen(
    jobId: string,
    runId: string,
    limit: number,
    afterSourceId?: string,
    sweep?: number,
  ): Promise<string[]>;
  countUnseen(jobId: string, runId: string, sweep?: number): Promise<number>;

  /**
   * Flag devices as missing from AlloyScan, with the date it was confirmed, the run that did
   * it and which part of the run: its unseen walk, or a page that met a 404 on a detail read.
   */
  flagMissing(
    jobId: string,
    sourceIds: string[],
    flag: { at: string; runId: string; by: MissingBy },
  ): Promise<number>;
  /** Devices a run (its walk or its pages only, with `by`) flagged missing that are still flagged. */
  flaggedBy(jobId: string, runId: string, by?: MissingBy): Promise<number>;
  /** Add to the AlloyScan calls of a run's retire step (before the calls go out). */
  addRunCalls(jobId: string, runId: string, step: RetireCallStep, calls: number): Promise<void>;
  /** The AlloyScan calls counted for a run's retire step, every attempt's. */
  runCalls(jobId: string, runId: string, step: RetireCallStep): Promise<number>;

  /** Retire a Computer or Hardware record by name or numeric ID (a Navigator user's action). */
  retire(kind: NavigatorKind, nameOrId: string, at: string): Promise<PendingWriteBack>;

  /** Retired records of this job linked to an AlloyScan device whose delete write-back is not done. */
  pendingWriteBacks(jobId: string): Promise<PendingWriteBack[]>;
  /**
   * Records, before its DELETE is sent, that a run is deleting the record's device, and adds
   * `calls.calls` to the run's write-back calls in the same transaction.
   */
  markWriteBackStarted(
    kind: NavigatorKind,
    recordId: number,
    runId: string,
    calls?: { jobId: string; calls: number },
  ): Promise<void>;
  /** Records that a run did the write-back of a retired record, and how (the first time wins). */
  markWrittenBack(kind: NavigatorKind, recordId: number, done: WriteBackDone): Promise<void>;
  /** What a run's write-back did, counted from the records. */
  writeBackTally(jobId: string, runId: string): Promise<WriteBackTally>;

  /** The run's committed batch results, summed (exact under retries); call before `endRun`. */
  runTally(jobId: string, runId: string): Promise<RunTally>;
  /** With `runId`: retiredInSource counts only retired records whose device that run listed. */
  counts(jobId: string, runId?: string): Promise<StoreCounts>;

  /** The Navigator record linked to an AlloyScan device of this job (tests, CLI). */
  findRecord(jobId: string, sourceId: string): Promise<RecordSummary | undefined>;

  saveQuarantine(jobId: string, runId: string, records: QuarantinedRecord[]): Promise<void>;
  /** Of these source ids, those the run already quarantined as one of `kinds` (device, product, …). */
  quarantinedIds(jobId: string, runId: string, kinds: string[], sourceIds: string[]): Promise<Set<string>>;
  /** Name by `sourceId` the run's record of `kind` with this excerpt that was named by its position; whether one was. */
  nameQuarantinedRecord(q: {
    jobId: string;
    runId: string;
    kind: string;
    rawExcerpt: string;
    sourceId: string;
  }): Promise<boolean>;
  /** The run's quarantined records: how many (each once) and the first few, for the report. */
  quarantineSummary(
    jobId: string,
    runId: string,
    sample: number,
  ): Promise<{ count: number; sample: QuarantinedRecord[] }>;
  saveRunReport(report: RunReport): Promise<void>;
  /** Newest run reports of a job, newest first. */
  listRuns(jobId: string, limit: number): Promise<RunReport[]>;
  /** The job's newest successful run that was not a dry run (its report), if any. */
  lastSuccess(jobId: string): Promise<RunReport | undefined>;
  /** When the job's newest successful full pass (not a dry run) finished, if ever: however many runs ago. */
  lastFullPass(jobId: string): Promise<string | undefined>;
}

/** A device's link to a Navigator record (a job writing into a Navigator). */
export interface NavigatorLink {
  sourceId: string;
  kind: NavigatorKind;
  /** Absent while a create is pending. */
  guid?: string | undefined;
  oid?: string | undefined;
  rule?: string | undefined;
  /** The mapped values last written. */
  mapped?: Record<string, string> | undefined;
  sourceHash?: string | undefined;
  pendingSince?: string | undefined;
  retiredAt?: string | undefined;
  missingMarkedAt?: string | undefined;
}

/** The stored values of a device the Navigator mapping reads (a state record's columns). */
export interface StateRecordValues {
  name: string | null;
  dns_name: string | null;
  ip_address: string | null;
  mac_address: string | null;
  serial_number: string | null;
  serial_key: string | null;
  asset_tag: string | null;
  manufacturer: string | null;
  model: string | null;
  os_name: string | null;
  os_version: string | null;
  platform: string | null;
  audit_date: string | null;
  device_type: string | null;
  missing_confirmed_at: string | null;
  expected_installations: number;
}

/** A state record whose Navigator side needs work, with its link (if any). */
export interface PushRecord {
  kind: NavigatorKind;
  sourceId: string;
  recordId: number;
  contentHash: string;
  missing: boolean;
  record: StateRecordValues;
  link?: NavigatorLink | undefined;
  /** Linked before this run, and the run's mirror of Navigator lacks its record (absent: false). */
  vanished?: boolean;
}

/** A Navigator record's match keys, as listed. */
export interface MirrorRow {
  guid: string;
  kind: NavigatorKind;
  oid?: string | undefined;
  nameKey?: string | undefined;
  serialKey?: string | undefined;
  macKey?: string | undefined;
  deviceKey?: string | undefined;
  retired: boolean;
}

export interface RunNavigatorStats {
  apiCalls: number;
  writeCalls: number;
  throttled: number;
  unknownOutcomes: number;
  refused: number;
  ambiguous: number;
}

export interface LinkTally {
  created: number;
  /** Existing Navigator records linked by a rule (deviceId, nameSerial, serial, macName, lostAnswer). */
  adopted: Record<string, number>;
  updated: number;
  markedMissing: number;
  /** Records whose missing flag was taken off (their device came back). */
  unflagged: number;
  /** Of `created`: records created again because the linked one was deleted from Navigator. */
  recreated: number;
  /** Live links per kind (not retired). */
  linked: Partial<Record<NavigatorKind, number>>;
  stats: RunNavigatorStats;
}

/** The sync's state for a Navigator destination (links, mirror, counters), kept in the SQL store. */
export interface NavigatorStateStore {
  /** State records needing work in Navigator (devices refused in `runId` are left for the next run). */
  recordsToPush(
    jobId: string,
    runId: string,
    opts: { sourceIds?: string[]; after?: { kind: NavigatorKind; sourceId: string }; limit: number },
  ): Promise<PushRecord[]>;
  saveLink(jobId: string, runId: string, link: import('./link-repository').LinkWrite): Promise<void>;
  /** Links (in order) and counters in one transaction. */
  saveLinks(
    jobId: string,
    runId: string,
    links: import('./link-repository').LinkWrite[],
    stats: Partial<RunNavigatorStats>,
  ): Promise<void>;
  /** Whether a device of this kind could match a record of the mirror at all. */
  mirrorHasFree(jobId: string, kind: NavigatorKind): Promise<boolean>;
  /** Pending marks of creates about to be sent, in one transaction. */
  markPending(jobId: string, marks: { sourceId: string; kind: NavigatorKind }[]): Promise<void>;
  /** The linked record is gone from Navigator: forget it (the device is matched or created again). */
  dropLinkedRecord(jobId: string, runId: string, sourceId: string): Promise<void>;
  writeMirror(jobId: string, rows: MirrorRow[], reset: boolean): Promise<void>;
  mirrorCandidates(
    jobId: string,
    kind: NavigatorKind,
    keys: { deviceKey?: string; nameKey?: string; serialKey?: string; macKey?: string },
    limit: number,
  ): Promise<{ guid: string; oid?: string | undefined }[]>;
  retireFromMirror(jobId: string): Promise<number>;
  retireLink(jobId: string, kind: NavigatorKind, sourceId: string): Promise<void>;
  addRunStats(jobId: string, runId: string, d: Partial<RunNavigatorStats>): Promise<void>;
  linkTally(jobId: string, runId: string): Promise<LinkTally>;
  linkedGuids(jobId: string, guids: string[]): Promise<Map<string, { sourceId: string; retired: boolean }>>;
  linkedSources(jobId: string, sourceIds: string[]): Promise<Set<string>>;
  /** Forget every link of the job (a Navigator that was emptied: the next run creates the records again). */
  clearLinks(jobId: string): Promise<number>;
  /** Live state records of the job with no Navigator record linked (verify). */
  countUnlinked(jobId: string): Promise<number>;
  /** Installation links: removed ones marked (returns how many now), listed-again ones unmarked. */
  reconcileInstallationLinks(jobId: string, runId: string): Promise<number>;
  /** Linked devices whose installations still need a Navigator record (keyset by device id). */
  installationsToPush(
    jobId: string,
    runId: string,
    opts: { after?: string | undefined; limit: number },
  ): Promise<InstallationDevice[]>;
  saveInstallationLinks(
    jobId: string,
    runId: string,
    writes: readonly import('./installation-link-repository').InstallationLinkWrite[],
  ): Promise<void>;
  installationTally(jobId: string, runId: string): Promise<InstallationTally>;
  countInstallationRecords(jobId: string): Promise<number>;
  linkedInstallationGuids(jobId: string, guids: string[]): Promise<Set<string>>;
  linkedInstallationPairs(jobId: string, computers: string[]): Promise<Set<string>>;
}

/** A Discovered Installation with no Navigator record yet. */
export interface InstallationToPush {
  productId: string;
  /** The AlloyScan product's name and version (what the Software Catalog is matched on). */
  name: string;
  productVersion?: string | undefined;
  /** The installed version and date, as AlloyScan reported them. */
  version?: string | undefined;
  installDate?: string | undefined;
  /** A create was sent and its answer not committed: look before creating again. */
  pending: boolean;
}

/** A linked device and its installations to write; `computer` is its record's OID (else GUID). */
export interface InstallationDevice {
  sourceId: string;
  kind: NavigatorKind;
  computer: string;
  installations: InstallationToPush[];
}

/** Installations of the job's kept records, by what the sync did with them, and removed ones. */
export interface InstallationTally {
  created: number;
  adopted: number;
  unchanged: number;
  deviceNotLinked: number;
  notInCatalog: number;
  ambiguousProduct: number;
  refused: number;
  /** Not tried yet (e.g. a run stopped before the push). */
  pending: number;
  /** Written ones AlloyScan stopped listing in this run; `left`: all such records left in Navigator. */
  removedInAlloyScan: number;
  left: number;
}
