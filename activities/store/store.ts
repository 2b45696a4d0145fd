/**
 * The Navigator store (SyncStore) on kysely: SQLite by default, PostgreSQL when a URL
 * is given. Only activities, the worker and the CLI open it.
 */
import type { Kysely } from 'kysely';
import type { NavigatorKind } from '../../common/domain';
import { applyDevicePage } from './apply-page';
import { runTally } from './batch-ledger';
import { getProductGroups, upsertCatalog } from './catalog-repository';
import { openDatabase, refreshStatistics, type Engine, type OpenDatabaseOptions } from './db';
import { findLinked } from './device-repository';
import {
  appliedMigrations,
  migrateDown,
  migrateToLatest,
  schemaStatus,
  type SchemaStatus,
} from './migrations';
import { counts, countUnseen, flaggedBy, flagMissing, listUnseen } from './presence-repository';
import { addRunCalls, runCalls } from './run-calls';
import {
  insertManualRecord,
  listInstallations,
  listRecords,
  type ManualRecordFields,
  type NavigatorRecord,
  type StoredInstallation,
} from './record-admin';
import {
  markWriteBackStarted,
  markWrittenBack,
  pendingWriteBacks,
  retire,
  writeBackTally,
} from './retire-repository';
import {
  endRun,
  fullPassReason,
  jobState,
  lastFullPass,
  listQuarantine,
  setJobDeleted,
  lastSuccess,
  listRuns,
  markSeen,
  quarantinedIds,
  nameQuarantinedRecord,
  quarantineSummary,
  saveQuarantine,
  saveRunReport,
  setFullPassReason,
  upsertJob,
} from './run-repository';
import { dropStaleScratch, pruneRunLog } from './retention';
import {
  installationsToPush,
  reconcileInstallationLinks,
  saveInstallationLinks,
} from './installation-link-repository';
import {
  countInstallationRecords,
  installationTally,
  linkedInstallationGuids,
  linkedInstallationPairs,
} from './installation-tally';
import type { SyncStore, RecordSummary, StoredDeviceState } from './store-types';
import type { Database } from './tables';
import {
  addRunStats,
  linkedGuids,
  linkedSources,
  clearLinks,
  dropLinkedRecord,
  markPending,
  mirrorHasFree,
  saveLinks,
  countUnlinked,
  linkTally,
  mirrorCandidates,
  recordsToPush,
  retireFromMirror,
  retireLink,
  saveLink,
  writeMirror,
} from './link-repository';

export type CreateSyncStoreOptions = OpenDatabaseOptions;

/** The store plus what the CLI, tests and benchmarks need beyond the sync's contract. */
export interface SqlSyncStore extends SyncStore {
  readonly engine: Engine;
  readonly db: Kysely<Database>;
  /** Reverts the last `steps` migrations (all with Infinity). */
  migrateDown(steps?: number): Promise<void>;
  /** Names of the applied migrations, in order. */
  appliedMigrations(): Promise<string[]>;
  /** The migrations pending and the ones applied by a newer version (migrates nothing). */
  schemaStatus(): Promise<SchemaStatus>;
  /** A hand-made or legacy (Network Inventory) record, unlinked, status 'Active'. */
  insertManualRecord(kind: NavigatorKind, fields: ManualRecordFields): Promise<number>;
  listRecords(kind: NavigatorKind, jobId?: string): Promise<NavigatorRecord[]>;
  listInstallations(kind: NavigatorKind, recordId: number): Promise<StoredInstallation[]>;
  /** The job's run named by its workflow id (as `runs` shows it) or its run id: both ids, if it is in the run log. */
  findRun(jobId: string, ref: string): Promise<{ runId: string; workflowId: string } | undefined>;
}

const nowIso = (): string => new Date().toISOString();

/**
 * Stored state of linked devices. A device flagged missing reports no audit or hash, so the
 * caller reads it again and `applyDevicePage` clears the flag.
 */
async function getDeviceStates(db: Kysely<Database>, jobId: string, sourceIds: string[]) {
  const states = new Map<string, StoredDeviceState>();
  for (const [sourceId, row] of await findLinked(db, jobId, sourceIds)) {
    states.set(
      sourceId,
      row.missing_from_alloyscan === 1
        ? { sourceId }
        : {
            sourceId,
            lastSeen: row.last_seen ?? undefined,
            auditId: row.audit_id ?? undefined,
            contentHash: row.content_hash ?? undefined,
          },
    );
  }
  return states;
}

async function findRecord(
  db: Kysely<Database>,
  jobId: string,
  sourceId: string,
): Promise<RecordSummary | undefined> {
  const row = (await findLinked(db, jobId, [sourceId])).get(sourceId);
  if (row === undefined) return undefined;
  return {
    kind: row.kind,
    recordId: row.id,
    name: row.name ?? undefined,
    status: row.status,
    missingFromAlloyScan: row.missing_from_alloyscan === 1,
    missingConfirmedAt: row.missing_confirmed_at ?? undefined,
    identityRule: row.identity_rule ?? undefined,
  };
}

/** Opens the store (no migration: call `migrate()`). */
export async function createSyncStore(opts: CreateSyncStoreOptions): Promise<SqlSyncStore> {
  const opened = await openDatabase(opts);
  const { db } = opened;
  return {
    engine: opened.engine,
    db,
    navigator: {
      recordsToPush: (jobId, runId, o) => recordsToPush(db, jobId, runId, o),
      saveLink: (jobId, runId, link) => saveLink(db, jobId, runId, link, nowIso()),
      saveLinks: (jobId, runId, links, stats) => saveLinks(db, jobId, runId, links, stats, nowIso()),
      mirrorHasFree: (jobId, kind) => mirrorHasFree(db, jobId, kind),
      markPending: (jobId, marks) => markPending(db, jobId, marks, nowIso()),
      dropLinkedRecord: (jobId, runId, sourceId) => dropLinkedRecord(db, jobId, runId, sourceId, nowIso()),
      writeMirror: (jobId, rows, reset) => writeMirror(db, jobId, rows, reset),
      mirrorCandidates: (jobId, kind, keys, limit) => mirrorCandidates(db, jobId, kind, keys, limit),
      retireFromMirror: (jobId) => retireFromMirror(db, jobId, nowIso()),
      retireLink: (jobId, kind, sourceId) => retireLink(db, jobId, kind, sourceId, nowIso()),
      addRunStats: (jobId, runId, d) => addRunStats(db, jobId, runId, d),
      linkTally: (jobId, runId) => linkTally(db, jobId, runId),
      linkedGuids: (jobId, guids) => linkedGuids(db, jobId, guids),
      linkedSources: (jobId, ids) => linkedSources(db, jobId, ids),
      clearLinks: (jobId) => clearLinks(db, jobId),
      countUnlinked: (jobId) => countUnlinked(db, jobId),
      reconcileInstallationLinks: (jobId, runId) => reconcileInstallationLinks(db, jobId, runId, nowIso()),
      installationsToPush: (jobId, runId, o) => installationsToPush(db, jobId, runId, o),
      saveInstallationLinks: (jobId, runId, w) => saveInstallationLinks(db, jobId, runId, w, nowIso()),
      installationTally: (jobId, runId) => installationTally(db, jobId, runId),
      countInstallationRecords: (jobId) => countInstallationRecords(db, jobId),
      linkedInstallationGuids: (jobId, guids) => linkedInstallationGuids(db, jobId, guids),
      linkedInstallationPairs: (jobId, computers) => linkedInstallationPairs(db, jobId, computers),
    },
    migrate: () => migrateToLatest(opened),
    migrateDown: (steps = 1) => migrateDown(opened, steps),
    appliedMigrations: () => appliedMigrations(opened),
    schemaStatus: () => schemaStatus(opened),
    findRun: async (jobId, ref) => {
      const row = await db
        .selectFrom('sync_runs')
        .select(['run_id', 'workflow_id'])
        .where('job_id', '=', jobId)
        .where((eb) => eb.or([eb('workflow_id', '=', ref), eb('run_id', '=', ref)]))
        .orderBy('started_at', 'desc')
        .executeTakeFirst();
      return row && { runId: row.run_id, workflowId: row.workflow_id };
    },
    close: () => db.destroy(),
    upsertJob: (job) => upsertJob(db, job, nowIso()),
    jobState: (jobId) => jobState(db, jobId),
    setJobDeleted: (jobId, at) => setJobDeleted(db, jobId, at),
    listQuarantine: (jobId, runId, limit) => listQuarantine(db, jobId, runId, limit),
    getDeviceStates: (jobId, sourceIds) => getDeviceStates(db, jobId, sourceIds),
    applyDevicePage: (jobId, devices, o) => applyDevicePage(db, jobId, devices, o),
    markSeen: (jobId, runId, pageOffset, sourceIds, sweep) =>
      markSeen(db, jobId, runId, pageOffset, sourceIds, sweep),
    endRun: (jobId, runId) => endRun(db, jobId, runId),
    dropStaleScratch: (jobId, keepRunId) => dropStaleScratch(db, jobId, keepRunId),
    pruneRunLog: (jobId, before) => pruneRunLog(db, jobId, before),
    runTally: (jobId, runId) => runTally(db, jobId, runId),
    upsertCatalog: (jobId, products) => upsertCatalog(db, jobId, products, nowIso()),
    fullPassReason: (jobId) => fullPassReason(db, jobId),
    clearFullPassReason: (jobId) => setFullPassReason(db, jobId, null),
    getProductGroups: (jobId, productIds) => getProductGroups(db, jobId, productIds),
    listUnseen: (jobId, runId, limit, after, sweep) => listUnseen(db, jobId, runId, limit, after, sweep),
    refreshStatistics: () => refreshStatistics(db),
    countUnseen: (jobId, runId, sweep) => countUnseen(db, jobId, runId, sweep),
    flagMissing: (jobId, sourceIds, flag) => flagMissing(db, jobId, sourceIds, flag),
    flaggedBy: (jobId, runId, by) => flaggedBy(db, jobId, runId, by),
    addRunCalls: (jobId, runId, step, calls) => addRunCalls(db, jobId, runId, step, calls),
    runCalls: (jobId, runId, step) => runCalls(db, jobId, runId, step),
    retire: (kind, nameOrId, at) => retire(db, kind, nameOrId, at),
    pendingWriteBacks: (jobId) => pendingWriteBacks(db, jobId),
    markWriteBackStarted: (kind, recordId, runId, calls) =>
      markWriteBackStarted(db, kind, recordId, runId, calls),
    markWrittenBack: (kind, recordId, done) => markWrittenBack(db, kind, recordId, done),
    writeBackTally: (jobId, runId) => writeBackTally(db, jobId, runId),
    counts: (jobId, runId) => counts(db, jobId, runId),
    findRecord: (jobId, sourceId) => findRecord(db, jobId, sourceId),
    saveQuarantine: (jobId, runId, records) => saveQuarantine(db, jobId, runId, records, nowIso()),
    quarantinedIds: (jobId, runId, kinds, ids) => quarantinedIds(db, jobId, runId, kinds, ids),
    nameQuarantinedRecord: (q) => nameQuarantinedRecord(db, q),
    quarantineSummary: (jobId, runId, sample) => quarantineSummary(db, jobId, runId, sample),
    saveRunReport: (report) => saveRunReport(db, report),
    listRuns: (jobId, limit) => listRuns(db, jobId, limit),
    lastSuccess: (jobId) => lastSuccess(db, jobId),
    lastFullPass: (jobId) => lastFullPass(db, jobId),
    insertManualRecord: (kind, fields) => insertManualRecord(db, kind, fields),
    listRecords: (kind, jobId) => listRecords(db, kind, jobId),
    listInstallations: (kind, recordId) => listInstallations(db, kind, recordId),
  };
}
