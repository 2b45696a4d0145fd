/**
 * Workflow inputs and outputs: small, serializable, secret-free. Optional new fields keep
 * old histories valid.
 */
import type { QuarantinedRecord } from './domain';

/**
 * One sync job (one AlloyScan site) as validated from the config file, and where its client
 * secret lives: derived from the schema (ops/config-schema.ts), so they cannot drift. A job
 * carries the secret's reference only; the value is resolved in the worker.
 */
import type { JobConfig } from '../ops/config-schema';
export type { SecretReference as SecretRef } from '../ops/config-schema';
export type SyncJobConfig = JobConfig;
/** A Navigator the sync writes into (ops/config-schema.ts): its secret as a reference only. */
export type { NavigatorConfig, MappingMode, MappingSource } from '../ops/config-schema';

export type Trigger = 'schedule' | 'manual';

/** An activity's share of the job's request rate (requests/s): never above `ceiling`, starting at `start`. */
export interface RateShare {
  ceiling: number;
  start?: number | undefined;
}

/** Name of the workflow query a page asks for its share of the job's rate (requests/s). */
export const RATE_SHARE_QUERY = 'rateShare';

/** Where an activity's rate budget ended, and the 429 answers it met (every attempt of it). */
export interface RateUsed {
  rate: number;
  throttled: number;
  /** Calls the page sent and the time spent sending (absent in older histories). */
  calls?: number;
  ms?: number;
  /** The share it ended with, and the wall time (epoch ms) of its first and last call. */
  ceiling?: number;
  firstAt?: number | undefined;
  lastAt?: number | undefined;
}

export interface PageRequest {
  offset: number;
  limit: number;
}

/** The page planner's state (see workflows/page-planner.ts). */
export interface PlannerState {
  pageSize: number;
  total: number;
  /** The next offset never handed out. */
  nextOffset: number;
  /** Ranges a short page left unread, read before new offsets. */
  gaps: PageRequest[];
  totalStable: boolean;
  /** Set when the site returned an empty page below its total: the pass cannot be complete. */
  truncated: boolean;
  /** The most items a short page returned: the site's own page size, once learned. */
  sitePageSize?: number;
}

/**
 * What a page has counted, and a pass over its pages: merged the same way from a page's
 * batches into the page, and from the pages into the pass (common/counts.ts addTotals).
 */
export interface PassTotals {
  counts: PageCounts;
  quarantined: number;
  quarantineSample: QuarantinedRecord[];
  apiCalls: number;
  samples: { added: string[]; updated: string[] };
}

/** Carried across continue-as-new: where the pass is, and what it has counted so far. */
export interface SyncCheckpoint extends PassTotals {
  planner: PlannerState;
  pagesDone: number;
  catalog: { products: number; groupChanged: number };
  /** The job's request rate as the pass learned it (absent in checkpoints recorded before it). */
  rate?: PassRate;
  /** The listing sweep `planner` reads: absent or 0 the pass, 1… a re-list of a list that moved. */
  sweep?: number;
  /** Devices new to the run that the re-list sweeps found (an offset shift had hidden them). */
  foundBySweeps?: number;
  /** Listed devices found gone while the current sweep (or the pass) was read. */
  sweepGone?: number;
  /** A Navigator destination: its records listed before the pass, and retirements read back there. */
  navigator?: { listed: number; retired: number; apiCalls: number };
}

/** What the inventory pass learned of the site's workload limit. */
export interface PassRate {
  /** The job's rate budget now (requests/s, at most the job's requestsPerSecond). */
  budget: number;
  /** 429 answers met. */
  throttled: number;
  /** API calls of the pages, and the time the pass took (over continue-as-new executions). */
  calls: number;
  ms: number;
  /** Calls the pages sent through their budgets and the time each spent sending, summed. */
  pageCalls?: number;
  pageMs?: number;
  /** Wall time (epoch ms) of the pages' first and last call: the site's view of the pass. */
  firstAt?: number;
  lastAt?: number;
  /** The job's rate as the last few pages (up to pageConcurrency) each left it: the budget is their lower median. */
  recent?: number[];
}

export interface SyncRunInput {
  job: SyncJobConfig;
  trigger: Trigger;
  /** Re-read every device, not only those changed since the last successful run. */
  full?: boolean;
  dryRun?: boolean;
  /** Apply a missing-flag pass that exceeds the threshold. */
  confirmMissing?: boolean;
  /** Present after continue-as-new. */
  checkpoint?: SyncCheckpoint;
  /** Present after continue-as-new: the authenticate step's result. */
  auth?: AuthResult;
  /** Run id (stable across continue-as-new) and start time. */
  runId?: string;
  startedAt?: string;
  /** Forces received while running, carried so a follow-up pass still happens. */
  pendingForce?: ForceSignal;
  /** The follow-up pass of a force received while the previous run was in progress. */
  followUp?: boolean;
  /** Continue-as-new after this many pages in one execution (default: when the server suggests it). */
  continueAsNewAfterPages?: number;
  /** Heartbeat timeout of the heartbeating steps (default 45 s); tests that kill a worker shorten it. */
  heartbeatTimeout?: string;
}

export interface ForceSignal {
  full?: boolean;
  confirmMissing?: boolean;
}

export interface AuthResult {
  full: boolean;
  fullReason?: string | undefined;
  filterFingerprint: string;
  trackedGroups: string[];
  /** Which source decided the tracked groups: the site's software-groups endpoint, or the job setting. */
  trackedGroupsSource: 'site' | 'config';
  deviceTotal: number;
  apiCalls: number;
  /** The job's request rate as its last successful run learned it (requests/s; absent: none yet). */
  learnedRate?: number | undefined;
}

/** Per-step counts accumulated over the pages of a pass. */
export interface PageCounts {
  listed: number;
  detailsRead: number;
  unchanged: number;
  added: number;
  updated: number;
  duplicates: number;
  adopted: Record<string, number>;
  installationsAdded: number;
  installationsUpdated: number;
  installationsRemoved: number;
  /** Skipped records by reason (vanished, quarantined, untracked group, platform not selected, ...). */
  skipped: Record<string, number>;
  /** Installations kept by the filter (for the report). */
  installationsKept: number;
  /** Listed devices that are not in the store after the pass (quarantined or vanished before ever being imported). */
  notStored: number;
  /** Listed devices found gone (404) while read: their records are flagged missing (absent in older histories). */
  gone?: number;
  /** Of those, the ones never imported (also in `notStored`). */
  goneNotStored?: number;
}

/** `skipped`: another run of the job was in progress when this one started (runs never overlap). */
export type RunOutcome = 'succeeded' | 'needs-confirmation' | 'failed' | 'cancelled' | 'dry-run' | 'skipped';

export interface RunReport {
  runId: string;
  workflowId: string;
  jobId: string;
  trigger: Trigger;
  full: boolean;
  dryRun: boolean;
  outcome: RunOutcome;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  trackedGroups: string[];
  trackedGroupsSource: 'site' | 'config';
  /** What decided the imported installations (software option + tracked groups): a change forces a full pass. */
  filterFingerprint?: string;
  /** Why this run was full, when it was. */
  fullReason?: string;
  catalog: { products: number; groupChanged: number };
  pages: number;
  complete: boolean;
  counts: PageCounts;
  retire: {
    writeBackDeleted: number;
    writeBackAlreadyGone: number;
    unseen: number;
    confirmedMissing: number;
    stillPresent: number;
    flaggedMissing: number;
    thresholdExceeded: boolean;
    /** Of those flagged, devices found gone (404) while their page was read (absent in older reports). */
    flaggedGone?: number;
  };
  /** How the device list moved while the run read it (absent in older reports). */
  listing?: {
    totalAtStart: number;
    totalAtEnd: number;
    /** Re-list sweeps after the pass (the list moved while it was read). */
    sweeps: number;
    /** Devices new to the run found by the sweeps. */
    foundBySweeps: number;
    /** The final listing reached every offset (else the unseen walk was skipped). */
    covered: boolean;
    /** The final listing saw one total on every page (the site was still at the end). */
    stable: boolean;
    /** Listed devices found gone (404) while read. */
    gone: number;
  };
  verify: {
    /** Devices present at the end: the final listing's total, less those the write-back deleted. */
    sourceDevices: number;
    importedDevices: number;
    /** Listed devices still present but not in the store (quarantined, never imported): see counts.skipped. */
    skippedDevices: number;
    /** Live records neither listed by the final listing nor confirmed present by lookup (absent in older reports). */
    unconfirmed?: number;
    expectedInstallations: number;
    storedInstallations: number;
    ok: boolean;
  };
  quarantined: number;
  quarantineSample: QuarantinedRecord[];
  /**
   * The request rate: the job's ceiling (requestsPerSecond), the rate the pages reached (their
   * calls over the wall time from the first to the last, as the site saw them; never above the
   * ceiling), the budget they ended with (the estimate of the site's limit, the next run's
   * start), and the 429s the pages met, failed attempts included.
   */
  rate?: { ceiling: number; reached: number; budget: number; throttled: number };
  /** The most devices the site returned per list call, when it returned fewer than pageSize asked. */
  sitePageSize?: number;
  /** Dry runs: a sample of records per kind of change. */
  samples?: { added: string[]; updated: string[]; missing: string[]; deleted: string[] };
  apiCalls: number;
  /** Jobs writing into a Navigator: what the run did there (absent for the SQL store destination). */
  navigator?: NavigatorReport;
  errors: string[];
  message: string;
}

/** What a run did in its Navigator (jobs with `navigator`), counted from the links in the state store. */
export interface NavigatorReport {
  /** The navigator's id in the configuration. */
  navigator: string;
  created: number;
  /** Existing records adopted, by the rule that found them (lostAnswer: a create whose answer was lost). */
  adopted: Record<string, number>;
  updated: number;
  /** Linked records the run did not need to write. */
  unchanged: number;
  /** Records flagged through the markMissing action. */
  markedMissing: number;
  /** Records whose missing flag the clearMissing action took off: their device came back (absent in older reports). */
  unflagged?: number;
  /** Of `created`: records created again because the linked one was deleted from Navigator's database (absent in older reports). */
  recreated?: number;
  /** Retired in Navigator by a user since the last run (read back before the write-back). */
  retiredInNavigator?: number;
  /** Live links after the run, per class. */
  linked: { computers: number; inventoryItems: number };
  apiCalls: number;
  writeCalls: number;
  throttled: number;
  lostAnswers: number;
  /** Devices Navigator refused (quarantined with its errorText). */
  refused: number;
  /** Devices several Navigator records matched (quarantined with the candidates). */
  ambiguous: number;
  /** Discovered Installations kept in the sync store, not written to Navigator, and why. */
  installationsNotWritten: number;
  installationsReason: string;
  /** Installations in the configured Software Installations class (absent: none configured). */
  installations?: NavigatorInstallationReport | undefined;
  /** `unlinked`: live state records with no Navigator record (at most the devices refused or ambiguous this run). */
  verify: { expected: number; found: number; duplicates: number; unlinked?: number; ok: boolean };
}

/** What a run did with Discovered Installations in Navigator, counted from the installation links. */
export interface NavigatorInstallationReport {
  /** Records created this run, and existing ones adopted (same Computer + Product, or a lost answer found). */
  created: number;
  adopted: number;
  /** Installations whose record was written in an earlier run. */
  unchanged: number;
  /** Kept in the sync store, by reason (pending: not tried, e.g. the run stopped before the push). */
  notWritten: {
    deviceNotLinked: number;
    notInCatalog: number;
    ambiguousProduct: number;
    refused: number;
    pending: number;
  };
  /** Written installations AlloyScan stopped listing this run; `left`: every such record left in Navigator. */
  removedInAlloyScan: number;
  left: number;
  verify: { expected: number; found: number; duplicates: number; ok: boolean };
}

/** Live progress, returned by the `progress` query. */
export interface SyncProgress {
  phase: 'authenticate' | 'catalog' | 'inventory' | 'retire' | 'verify' | 'done';
  pagesDone: number;
  /** Pages being read right now (counted in pagesTotal). */
  pagesInFlight: number;
  pagesTotal: number;
  devicesWritten: number;
  installationsWritten: number;
  pendingForce: boolean;
  /** Once authenticated: whether this pass is full, and why (absent before). */
  pass?: { full: boolean; reason?: string | undefined } | undefined;
}
