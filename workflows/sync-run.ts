/**
 * One sync run of one job: authenticate → catalog → page inventory (filter + upsert inside
 * each page activity) → retire → verify & report. The workflow keeps only a small
 * checkpoint; long passes continue-as-new carrying it, and a force received while running
 * becomes one follow-up full pass right after this one.
 */
import {
  CancellationScope,
  ContinueAsNew,
  continueAsNew,
  isCancellation,
  makeContinueAsNewFunc,
  patched,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { groupChangeReason } from '../common/counts';
import { SA_OUTCOME, runSearchAttributes } from '../common/search-attributes';
import type { RunOutcome, RunReport, SyncRunInput } from '../common/sync-types';
import { authActivities, heartbeatingActivities, storeActivities } from './activity-proxies';
import { runInventoryPass } from './inventory-pass';
import { isComplete, isCovered } from './page-planner';
import { completedReport, failedReport, skippedReport } from './report';
import { forceSyncSignal, progressQuery } from './signals';
import { SyncRunState, type Phase } from './sync-run-state';
import { currentDetails, reportMemo, STEP_SUMMARY as STEP } from './web-ui';

export { forceSyncSignal, progressQuery } from './signals';

/** Patch of the re-list sweeps and the unseen walk after a covered listing whose total moved. */
const GONE_DEVICES = 'gone-devices';

/** Synchronise one AlloyScan site into the Navigator store; the result is the run report. */
export async function syncRunWorkflow(input: SyncRunInput): Promise<RunReport> {
  const info = workflowInfo();
  const state = new SyncRunState(
    input,
    input.runId ?? info.runId,
    input.startedAt ?? new Date().toISOString(),
  );
  setHandler(forceSyncSignal, (f) => state.force(f));
  setHandler(progressQuery, () => state.progress());
  if (!input.checkpoint) setOutcome('running');

  const earlier = await earlierRunInProgress(input);
  if (earlier) return standDown(input, state, earlier);

  let report: RunReport;
  try {
    report = await runSync(input, state);
  } catch (err) {
    if (err instanceof Error && !(err instanceof ContinueAsNew)) await recordFailure(input, state, err);
    throw err;
  }
  setOutcome(report.outcome);
  showReport(report);
  enter(state, 'done');
  if (state.pendingForce) await followUp(input, state.pendingForce.confirmMissing ?? false);
  return report;
}

/** Enter a phase, and show it in the Web UI's details of the run. */
function enter(state: SyncRunState, phase: Phase): void {
  state.enter(phase);
  setCurrentDetails(currentDetails(state.progress(), Date.now() - Date.parse(state.startedAt)));
}

/** The report's summary in the run's memo (added after the first recorded histories: patched). */
function showReport(report: RunReport): void {
  if (patched('report-memo')) upsertMemo({ report: reportMemo(report) });
}

async function runSync(input: SyncRunInput, state: SyncRunState): Promise<RunReport> {
  const { job } = input;
  const dryRun = !!input.dryRun;
  if (input.checkpoint) state.resume(input.checkpoint);
  else await beginPass(input, state);
  enter(state, 'inventory');
  await readListing(input, state);
  // Added after the first recorded histories (patched): a listing that moved is read again.
  while (state.needsSweep() && patched(GONE_DEVICES)) {
    state.beginSweep(job.pageSize);
    await readListing(input, state);
  }
  enter(state, 'retire');
  const walk = heartbeatingActivities(input.heartbeatTimeout).walk;
  const planner = state.checkpoint!.planner;
  const complete = isComplete(planner);
  const covered = isCovered(planner);
  const writeBack = await walk.retireWriteBack.executeWithOptions({ summary: STEP.retireWriteBack }, [
    { job, dryRun, runId: state.runId },
  ]);
  // A listing that covered every offset is walked even when its total moved (patched, as above).
  const sweep = state.sweep;
  const missing =
    complete || (covered && patched(GONE_DEVICES))
      ? await walk.flagMissing.executeWithOptions({ summary: STEP.flagMissing }, [
          { job, runId: state.runId, dryRun, confirm: !!input.confirmMissing, sweep },
        ])
      : undefined;
  // A Navigator destination: whatever the pages did not push (a killed attempt), and the missing flags.
  const toNavigator = job.navigator !== undefined && !dryRun;
  if (toNavigator)
    await walk.pushNavigator.executeWithOptions({ summary: STEP.pushNavigator }, [
      { job, runId: state.runId, dryRun },
    ]);
  enter(state, 'verify');
  const stored = await storeActivities.verifyCounts.executeWithOptions({ summary: STEP.verifyCounts }, [
    { job, runId: state.runId, sweep },
  ]);
  const navigator = toNavigator
    ? await walk.verifyNavigator.executeWithOptions({ summary: STEP.verifyNavigator }, [
        { job, runId: state.runId, dryRun },
      ])
    : undefined;
  const report = completedReport({ input, state, complete, covered, writeBack, missing, stored, navigator });
  await storeActivities.recordRun.executeWithOptions({ summary: STEP.recordRun }, [report]);
  return report;
}

/** One listing (the pass, or a re-list sweep); a long one continues as new carrying the checkpoint. */
async function readListing(input: SyncRunInput, state: SyncRunState): Promise<void> {
  const pass = await runInventoryPass(input, state);
  if (pass.kind === 'continue') {
    await continueAsNew<typeof syncRunWorkflow>({
      ...input,
      runId: state.runId,
      startedAt: state.startedAt,
      auth: state.auth,
      checkpoint: pass.checkpoint,
      pendingForce: state.pendingForce,
    });
  }
}

/** authenticate + catalog, then a fresh checkpoint for the inventory pass. */
async function beginPass(input: SyncRunInput, state: SyncRunState): Promise<void> {
  enter(state, 'authenticate');
  const auth =
    input.auth ??
    (await authActivities.authenticate.executeWithOptions({ summary: STEP.authenticate }, [
      { job: input.job, full: !!input.full },
    ]));
  state.authenticated(auth);
  enter(state, 'catalog');
  const catalog = await heartbeatingActivities(input.heartbeatTimeout).walk.syncCatalog.executeWithOptions(
    { summary: STEP.syncCatalog },
    [{ job: input.job, runId: state.runId, dryRun: !!input.dryRun }],
  );
  // (groupChanged: results recorded before fullPassReason existed.)
  const reason =
    catalog.fullPassReason ??
    (catalog.groupChanged > 0 ? groupChangeReason(catalog.groupChanged) : undefined);
  state.authenticated(auth, reason);
  // A Navigator destination: its records listed (the identity rules' input) and its retirements
  // read back before the pass, so the write-back sees them.
  const mirror =
    input.job.navigator !== undefined && !input.dryRun
      ? await heartbeatingActivities(input.heartbeatTimeout).walk.prepareNavigator.executeWithOptions(
          { summary: STEP.prepareNavigator },
          [{ job: input.job, runId: state.runId, dryRun: false }],
        )
      : undefined;
  state.beginPass(input.job.pageSize, auth.deviceTotal, {
    quarantined: catalog.quarantined,
    quarantineSample: catalog.quarantineSample,
    apiCalls: auth.apiCalls + catalog.apiCalls,
    catalog: { products: catalog.products, groupChanged: catalog.groupChanged },
    ...(mirror && {
      navigator: {
        listed: (mirror.records.computer ?? 0) + (mirror.records.hardware ?? 0),
        retired: mirror.retired,
        apiCalls: mirror.apiCalls,
      },
    }),
  });
}

/** A force arrived while this run was in progress: one follow-up full pass, marked manual. */
async function followUp(input: SyncRunInput, confirmMissing: boolean): Promise<never> {
  const next = makeContinueAsNewFunc<typeof syncRunWorkflow>({
    typedSearchAttributes: runSearchAttributes(input.job, 'manual'),
  });
  return next({
    job: input.job,
    trigger: 'manual',
    full: true,
    followUp: true,
    confirmMissing,
    continueAsNewAfterPages: input.continueAsNewAfterPages,
    heartbeatTimeout: input.heartbeatTimeout,
  });
}

/** A run of the same job that started earlier and is still running (first execution only). */
async function earlierRunInProgress(input: SyncRunInput): Promise<string | undefined> {
  // Added after the first recorded histories: patched() keeps those replaying.
  // A forced follow-up is this job's run carrying on: it never stands down.
  if (input.checkpoint || input.runId || input.followUp || !patched('find-earlier-run')) return undefined;
  const info = workflowInfo();
  return storeActivities.findEarlierRun.executeWithOptions({ summary: STEP.findEarlierRun }, [
    { jobId: input.job.id, workflowId: info.workflowId, startedAt: info.runStartTime.toISOString() },
  ]);
}

/** Runs of one job never overlap: record that this one stood down for an earlier one. */
async function standDown(input: SyncRunInput, state: SyncRunState, earlier: string): Promise<RunReport> {
  const report = skippedReport({ input, state, earlier });
  setOutcome(report.outcome);
  await storeActivities.recordRun.executeWithOptions({ summary: STEP.recordRun }, [report]);
  // Forces sent to this run while it stood down belong to the run that carries on.
  if (state.pendingForce && patched('forward-force')) {
    await storeActivities.forwardForce.executeWithOptions({ summary: STEP.forwardForce }, [
      { workflowId: earlier, signal: state.pendingForce },
    ]);
  }
  showReport(report);
  enter(state, 'done');
  return report;
}

/** Best effort: a failed run still leaves a report in the run log and a searchable outcome. */
async function recordFailure(input: SyncRunInput, state: SyncRunState, error: Error): Promise<void> {
  const outcome = isCancellation(error) ? 'cancelled' : 'failed';
  setOutcome(outcome);
  const report = failedReport({ input, state, error, outcome });
  showReport(report);
  try {
    // Non-cancellable: a cancelled run still leaves its report in the run log.
    await CancellationScope.nonCancellable(() =>
      storeActivities.recordRun.executeWithOptions({ summary: STEP.recordRun }, [report]),
    );
  } catch {
    // The store may be what failed; the workflow failure itself still says why.
  }
}

function setOutcome(outcome: RunOutcome | 'running'): void {
  upsertSearchAttributes([{ key: SA_OUTCOME, value: outcome }]);
}
