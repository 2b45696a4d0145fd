/**
 * The run report, built once from what the run learned: completed, skipped (another run of
 * the job was in progress) or failed. Pure: workflow time only.
 */
import type { FlagMissingOutput, WriteBackOutput } from '../activities/retire';
import type { VerifyOutput } from '../activities/report';
import type { NavigatorReport } from '../common/sync-types';
import { DEVICE_SKIP, emptyTotals } from '../common/counts';
import { failureText } from '../common/failure-types';
import type {
  PageCounts,
  PassRate,
  RunOutcome,
  RunReport,
  SyncCheckpoint,
  SyncRunInput,
} from '../common/sync-types';
import { workflowInfo } from '@temporalio/workflow';
import { newPlanner } from './page-planner';
import { listingOf, listingSentences, verifyDevices } from './report-verify';
import type { SyncRunState } from './sync-run-state';

interface RunContext {
  input: SyncRunInput;
  state: SyncRunState;
}

export interface Completed extends RunContext {
  /** The final listing saw a stable total and every offset below it. */
  complete: boolean;
  /** The final listing reached every offset (absent: as `complete`). */
  covered?: boolean;
  writeBack: WriteBackOutput | undefined;
  missing: FlagMissingOutput | undefined;
  stored: VerifyOutput;
  /** A Navigator destination's side of the run (verify included). */
  navigator?: NavigatorReport | undefined;
}

/** A run that went through every step (a dry run, or one stopped by the missing threshold, included). */
export function completedReport(run: Completed): RunReport {
  const { input, writeBack, missing, stored, complete } = run;
  const covered = run.covered ?? complete;
  const navigator = run.navigator && {
    ...run.navigator,
    retiredInNavigator: checkpointOf(run).navigator?.retired ?? 0,
    apiCalls: run.navigator.apiCalls + (checkpointOf(run).navigator?.apiCalls ?? 0),
  };
  const cp = checkpointOf(run);
  const dryRun = !!input.dryRun;
  const devices = verifyDevices(cp, { covered, complete, dryRun, writeBack, missing, stored });
  // A dry run wrote nothing, so the store cannot match what it saw; a guarded missing pass left stale records live.
  const verifyOk =
    !dryRun &&
    devices.ok &&
    stored.installations === stored.expectedInstallations &&
    (navigator === undefined || navigator.verify.ok);
  const flaggedMissing = stored.flaggedByRun ?? missing?.flagged ?? 0;
  const outcome: RunOutcome = missing?.thresholdExceeded
    ? 'needs-confirmation'
    : dryRun
      ? 'dry-run'
      : 'succeeded';
  const report = baseReport(run, outcome, {
    pages: cp.pagesDone,
    complete: covered,
    counts: dryRun ? cp.counts : withTally(cp.counts, stored.tally),
    retire: {
      writeBackDeleted: writeBack?.deleted ?? 0,
      writeBackAlreadyGone: writeBack?.alreadyGone ?? 0,
      unseen: missing?.unseen ?? 0,
      confirmedMissing: missing?.confirmedMissing ?? 0,
      stillPresent: missing?.stillPresent ?? 0,
      flaggedMissing,
      thresholdExceeded: missing?.thresholdExceeded ?? false,
      flaggedGone: flaggedMissing - (missing?.flagged ?? 0),
    },
    listing: listingOf(cp, run.state.auth?.deviceTotal ?? cp.planner.total, covered, complete),
    verify: {
      sourceDevices: devices.sourceDevices,
      importedDevices: devices.importedDevices,
      skippedDevices: devices.skippedDevices,
      unconfirmed: devices.unconfirmed,
      expectedInstallations: stored.expectedInstallations,
      storedInstallations: stored.installations,
      ok: verifyOk,
    },
    samples: dryRun
      ? { ...cp.samples, missing: missing?.sample ?? [], deleted: writeBack?.sample ?? [] }
      : undefined,
    apiCalls: cp.apiCalls + (writeBack?.apiCalls ?? 0) + (missing?.apiCalls ?? 0),
    // Each quarantined record once, from the store (a dry run keeps none there).
    ...(stored.quarantine && !dryRun
      ? { quarantined: stored.quarantine.count, quarantineSample: stored.quarantine.sample }
      : {}),
    sitePageSize: cp.planner.sitePageSize,
    rate: cp.rate && {
      ceiling: input.job.requestsPerSecond,
      reached: Math.min(
        input.job.requestsPerSecond,
        rateReached(cp.rate, Math.min(input.job.pageConcurrency, cp.pagesDone)),
      ),
      budget: Math.round(cp.rate.budget),
      throttled: cp.rate.throttled,
    },
    ...(navigator && { navigator }),
  });
  return { ...report, message: summarise(report, devices.drift) };
}

/** A run that stood down for `earlier`, an earlier run of its job still in progress. */
export function skippedReport(run: RunContext & { earlier: string }): RunReport {
  return baseReport(run, 'skipped', {
    message: `skipped: run ${run.earlier} of this job was still in progress (runs of one job never overlap)`,
  });
}

/** A run that failed or was cancelled: what it had counted, and why it ended. */
export function failedReport(run: RunContext & { error: Error; outcome: 'failed' | 'cancelled' }): RunReport {
  const why = failureText(run.error);
  const unforced = run.state.pendingForce
    ? '; a force received during the run was not carried out: force again once the cause is fixed'
    : '';
  return baseReport(run, run.outcome, { errors: [why], message: `run ${run.outcome}: ${why}${unforced}` });
}

function checkpointOf({ input, state }: RunContext): Readonly<SyncCheckpoint> {
  return (
    state.checkpoint ?? {
      ...emptyTotals(),
      planner: newPlanner(input.job.pageSize, 0),
      pagesDone: 0,
      catalog: { products: 0, groupChanged: 0 },
    }
  );
}

/** Every field of a report, from the run and its checkpoint; `fields` fills in what the ending knows. */
function baseReport(run: RunContext, outcome: RunOutcome, fields: Partial<RunReport>): RunReport {
  const { input, state } = run;
  const cp = checkpointOf(run);
  const auth = state.auth;
  const finishedAt = new Date().toISOString();
  return {
    runId: state.runId,
    workflowId: workflowInfo().workflowId,
    jobId: input.job.id,
    trigger: input.trigger,
    full: auth?.full ?? !!input.full,
    fullReason: auth?.fullReason,
    dryRun: !!input.dryRun,
    outcome,
    startedAt: state.startedAt,
    finishedAt,
    durationMs: Date.parse(finishedAt) - Date.parse(state.startedAt),
    trackedGroups: auth?.trackedGroups ?? [],
    trackedGroupsSource: auth?.trackedGroupsSource ?? 'config',
    filterFingerprint: auth?.filterFingerprint,
    catalog: cp.catalog,
    pages: 0,
    complete: false,
    counts: cp.counts,
    retire: {
      writeBackDeleted: 0,
      writeBackAlreadyGone: 0,
      unseen: 0,
      confirmedMissing: 0,
      stillPresent: 0,
      flaggedMissing: 0,
      thresholdExceeded: false,
    },
    verify: {
      sourceDevices: cp.planner.total,
      importedDevices: 0,
      skippedDevices: cp.counts.notStored ?? 0,
      expectedInstallations: 0,
      storedInstallations: 0,
      ok: false,
    },
    quarantined: cp.quarantined,
    quarantineSample: cp.quarantineSample,
    samples: undefined,
    apiCalls: cp.apiCalls,
    errors: [],
    message: '',
    ...fields,
  };
}

/**
 * The change counts the store recorded with the batches it committed replace the ones the
 * page attempts reported (an attempt that died after committing reported nothing).
 */
function withTally(c: PageCounts, tally: VerifyOutput['tally']): PageCounts {
  if (!tally) return c;
  const skipped = Object.values(DEVICE_SKIP).reduce((n, reason) => n + (c.skipped[reason] ?? 0), 0);
  const { added, updated, installationsAdded, installationsUpdated, installationsRemoved } = tally;
  const unchanged = Math.max(0, c.listed - c.duplicates - added - updated - skipped);
  const adopted = { ...tally.adopted } as Record<string, number>;
  return {
    ...c,
    added,
    updated,
    unchanged,
    adopted,
    installationsAdded,
    installationsUpdated,
    installationsRemoved,
  };
}

function summarise(r: RunReport, drift: number): string {
  const c = r.counts;
  const parts = [
    `${r.dryRun ? 'would add' : 'added'} ${c.added}, ${r.dryRun ? 'would update' : 'updated'} ${c.updated}, unchanged ${c.unchanged} devices`,
    `installations +${c.installationsAdded} ~${c.installationsUpdated} -${c.installationsRemoved}`,
  ];
  if (c.added + c.updated + c.installationsAdded + c.installationsUpdated + c.installationsRemoved === 0) {
    parts.unshift('no changes: nothing written');
  }
  if (r.retire.thresholdExceeded) {
    parts.push(
      `${r.retire.unseen} devices unseen exceed the missing threshold: re-run with a forced sync and --confirm-missing`,
    );
  }
  if (r.sitePageSize !== undefined)
    parts.push(`the site returned at most ${r.sitePageSize} devices per page: read in pages of that size`);
  parts.push(...listingSentences(r, drift));
  if (!r.verify.ok && !r.dryRun) {
    const unconfirmed = r.verify.unconfirmed
      ? `, ${r.verify.unconfirmed} live records neither listed nor looked up`
      : '';
    parts.push(
      `verify: source ${r.verify.sourceDevices} vs imported ${r.verify.importedDevices} + skipped ${r.verify.skippedDevices} devices${unconfirmed}, expected ${r.verify.expectedInstallations} vs stored ${r.verify.storedInstallations} installations`,
    );
  }
  if (r.navigator) parts.push(navigatorLine(r.navigator));
  return parts.join('; ');
}

/** The Navigator side in one clause. */
function navigatorLine(n: NavigatorReport): string {
  const adopted = Object.values(n.adopted).reduce((a, b) => a + b, 0);
  const v = n.verify;
  return [
    `Navigator ${n.navigator}: created ${n.created}, adopted ${adopted}, updated ${n.updated}, unchanged ${n.unchanged}`,
    `${n.writeCalls} write calls`,
    ...(n.installations
      ? [
          `installations created ${n.installations.created}, adopted ${n.installations.adopted}, unchanged ${n.installations.unchanged}`,
        ]
      : []),
    ...(n.installationsNotWritten
      ? [`${n.installationsNotWritten} installations not written to Navigator`]
      : []),
    ...(n.refused + n.ambiguous
      ? [`${n.refused + n.ambiguous} devices refused or ambiguous (quarantined)`]
      : []),
    ...(v.ok
      ? []
      : [
          `Navigator verify: ${v.found} of ${v.expected} records found, ${v.duplicates} duplicates`,
          ...(n.installations && !n.installations.verify.ok
            ? [
                `${n.installations.verify.found} of ${n.installations.verify.expected} installation records found, ${n.installations.verify.duplicates} duplicates`,
              ]
            : []),
        ]),
  ].join(', ');
}

/**
 * The rate the site saw: the pages' calls (every attempt's) over the wall time from the first
 * to the last of them. (Histories before the pages' call times: a page's own rate times the
 * pages at once, which overstated it.)
 */
function rateReached(rate: PassRate, pagesAtOnce: number): number {
  if (rate.firstAt !== undefined && rate.lastAt !== undefined && rate.pageCalls) {
    return Math.round((rate.pageCalls / Math.max(1000, rate.lastAt - rate.firstAt)) * 1000);
  }
  if (rate.pageMs && rate.pageCalls) return Math.round((rate.pageCalls / rate.pageMs) * 1000 * pagesAtOnce);
  return rate.ms > 0 ? Math.round((rate.calls / rate.ms) * 1000) : 0; // histories before pageMs
}
