/** Builds the run report from the checkpoint, the retire step and the store's counts. Pure. */
import type { FlagMissingOutput, WriteBackOutput } from '../activities/retire';
import type { VerifyOutput } from '../activities/report';
import { DEVICE_SKIP } from '../common/counts';
import type { PageCounts, RunOutcome, RunReport, SyncCheckpoint, SyncRunInput } from '../common/sync-types';
import { workflowInfo } from '@temporalio/workflow';
import type { SyncRunState } from './sync-run-state';

export interface RetireResult {
  writeBack: WriteBackOutput | undefined;
  missing: FlagMissingOutput | undefined;
}

export function buildReport(
  input: SyncRunInput,
  state: SyncRunState,
  cp: SyncCheckpoint,
  complete: boolean,
  retire: RetireResult,
  stored: VerifyOutput | undefined,
): RunReport {
  const finishedAt = new Date().toISOString();
  const { writeBack, missing } = retire;
  const auth = state.auth;
  const dryRun = !!input.dryRun;
  // Devices this run's write-back deleted were in the listing but are gone from the source now.
  const sourceDevices = cp.planner.total - (dryRun ? 0 : (writeBack?.deleted ?? 0));
  const importedDevices = stored ? stored.liveDevices + stored.retiredInSource : 0;
  const expected = stored?.expectedInstallations ?? 0;
  const notStored = cp.counts.notStored ?? 0;
  // A dry run wrote nothing, so the store cannot match what it saw; a guarded missing pass left stale records live.
  const verifyOk =
    !dryRun &&
    !!stored &&
    complete &&
    !missing?.thresholdExceeded &&
    importedDevices + notStored === sourceDevices &&
    stored.installations === expected;
  const outcome: RunOutcome = missing?.thresholdExceeded
    ? 'needs-confirmation'
    : dryRun
      ? 'dry-run'
      : 'succeeded';
  const report: RunReport = {
    runId: state.runId,
    workflowId: workflowInfo().workflowId,
    jobId: input.job.id,
    trigger: input.trigger,
    full: auth?.full ?? !!input.full,
    fullReason: auth?.fullReason,
    dryRun,
    outcome,
    startedAt: state.startedAt,
    finishedAt,
    durationMs: Date.parse(finishedAt) - Date.parse(state.startedAt),
    trackedGroups: auth?.trackedGroups ?? [],
    trackedGroupsSource: auth?.trackedGroupsSource ?? 'config',
    filterFingerprint: auth?.filterFingerprint,
    catalog: cp.catalog,
    pages: cp.pagesDone,
    complete,
    counts: dryRun ? cp.counts : withTally(cp.counts, stored?.tally),
    retire: {
      writeBackDeleted: writeBack?.deleted ?? 0,
      writeBackAlreadyGone: writeBack?.alreadyGone ?? 0,
      unseen: missing?.unseen ?? 0,
      confirmedMissing: missing?.confirmedMissing ?? 0,
      stillPresent: missing?.stillPresent ?? 0,
      flaggedMissing: missing?.flagged ?? 0,
      thresholdExceeded: missing?.thresholdExceeded ?? false,
    },
    verify: {
      sourceDevices,
      importedDevices,
      skippedDevices: notStored,
      expectedInstallations: expected,
      storedInstallations: stored?.installations ?? 0,
      ok: verifyOk,
    },
    quarantined: cp.quarantined,
    quarantineSample: cp.quarantineSample,
    samples: dryRun
      ? { ...cp.samples, missing: missing?.sample ?? [], deleted: writeBack?.sample ?? [] }
      : undefined,
    apiCalls: cp.apiCalls + (writeBack?.apiCalls ?? 0) + (missing?.apiCalls ?? 0),
    errors: [],
    message: '',
  };
  report.message = summarise(report);
  return report;
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

function summarise(r: RunReport): string {
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
  if (!r.complete)
    parts.push('pass incomplete (the device list changed while it was read): missing flags not applied');
  if (!r.verify.ok && !r.dryRun) {
    parts.push(
      `verify: source ${r.verify.sourceDevices} vs imported ${r.verify.importedDevices} + skipped ${r.verify.skippedDevices} devices, expected ${r.verify.expectedInstallations} vs stored ${r.verify.storedInstallations} installations`,
    );
  }
  return parts.join('; ');
}

/** A secret-free one-line reason for a failed run (activity failures carry their type). */
export function failureMessage(err: Error): string {
  const cause = (err as { cause?: unknown }).cause;
  const inner = cause instanceof Error ? cause : undefined;
  const type = (inner as { type?: string } | undefined)?.type;
  return inner ? `${type ? `[${type}] ` : ''}${inner.message}` : err.message;
}
