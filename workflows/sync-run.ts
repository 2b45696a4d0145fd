/**
 * One sync run of one job: authenticate → catalog → page inventory (filter + upsert inside
 * each page activity) → retire → verify & report. The workflow keeps only a small
 * checkpoint; long passes continue-as-new carrying it, and a force received while running
 * becomes one follow-up full pass right after this one.
 */
import {
  CancellationScope,
  ContinueAsNew,
  isCancellation,
  continueAsNew,
  makeContinueAsNewFunc,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { emptyCounts } from '../common/counts';
import { SA_JOB_ID, SA_OUTCOME, SA_SITE, SA_TRIGGER } from '../common/search-attributes';
import type { ForceSignal, RunOutcome, RunReport, SyncCheckpoint, SyncRunInput } from '../common/sync-types';
import { authActivities, storeActivities, walkActivities } from './activity-proxies';
import { runInventoryPass, type PassResult } from './inventory-pass';
import { isComplete, newPlanner } from './page-planner';
import { buildReport, failureMessage, type RetireResult } from './report';
import { forceSyncSignal, progressQuery } from './signals';
import { SyncRunState } from './sync-run-state';

export { forceSyncSignal, progressQuery } from './signals';

/** Synchronise one AlloyScan site into the Navigator store; the result is the run report. */
export async function syncRunWorkflow(input: SyncRunInput): Promise<RunReport> {
  const info = workflowInfo();
  const state = new SyncRunState(
    input,
    input.runId ?? info.runId,
    input.startedAt ?? new Date().toISOString(),
  );
  setHandler(forceSyncSignal, (f: ForceSignal) => state.force(f));
  setHandler(progressQuery, () => state.progress());
  if (!input.checkpoint) upsertSearchAttributes([{ key: SA_OUTCOME, value: 'running' }]);

  const earlier = await earlierRunInProgress(input);
  if (earlier) return standDown(input, state, earlier);

  let report: RunReport;
  try {
    report = await runSync(input, state);
  } catch (err) {
    if (err instanceof Error && !(err instanceof ContinueAsNew)) await recordFailure(input, state, err);
    throw err;
  }
  upsertSearchAttributes([{ key: SA_OUTCOME, value: report.outcome }]);
  state.phase = 'done';
  if (state.pendingForce) {
    // A force arrived while this run was in progress: one follow-up full pass, marked manual.
    const next = makeContinueAsNewFunc<typeof syncRunWorkflow>({
      // The list replaces the run's attributes: give all of them, or the follow-up drops out of JobId filters.
      typedSearchAttributes: [
        { key: SA_JOB_ID, value: input.job.id },
        { key: SA_SITE, value: input.job.siteUrl },
        { key: SA_TRIGGER, value: 'manual' },
        { key: SA_OUTCOME, value: 'running' },
      ],
    });
    await next({
      job: input.job,
      trigger: 'manual',
      full: true,
      followUp: true,
      confirmMissing: state.pendingForce.confirmMissing ?? false,
      continueAsNewAfterPages: input.continueAsNewAfterPages,
    });
  }
  return report;
}

async function runSync(input: SyncRunInput, state: SyncRunState): Promise<RunReport> {
  const { job } = input;
  const cp: SyncCheckpoint = input.checkpoint ?? (await startPass(input, state));
  state.resume(cp);
  const pass: PassResult = await runInventoryPass(input, state, cp);
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
  state.phase = 'retire';
  const complete = isComplete(cp.planner);
  const writeBack = await walkActivities.retireWriteBack({ job, dryRun: !!input.dryRun });
  const missing = complete
    ? await walkActivities.flagMissing({
        job,
        runId: state.runId,
        dryRun: !!input.dryRun,
        confirm: !!input.confirmMissing,
      })
    : undefined;
  state.phase = 'verify';
  const stored = await storeActivities.verifyCounts({ job, runId: state.runId });
  const retire: RetireResult = { writeBack, missing };
  const report = buildReport(input, state, cp, complete, retire, stored);
  await storeActivities.recordRun(report);
  return report;
}

/** authenticate + catalog, then a fresh checkpoint for the inventory pass. */
async function startPass(input: SyncRunInput, state: SyncRunState): Promise<SyncCheckpoint> {
  state.phase = 'authenticate';
  const auth = input.auth ?? (await authActivities.authenticate({ job: input.job, full: !!input.full }));
  state.auth = auth;
  state.phase = 'catalog';
  const catalog = await walkActivities.syncCatalog({
    job: input.job,
    runId: state.runId,
    dryRun: !!input.dryRun,
  });
  // (groupChanged: results recorded before fullPassReason existed.)
  const reason =
    catalog.fullPassReason ??
    (catalog.groupChanged > 0 ? `${catalog.groupChanged} products changed software group` : undefined);
  if (reason && !auth.full) state.auth = { ...auth, full: true, fullReason: reason };
  return {
    planner: newPlanner(input.job.pageSize, auth.deviceTotal),
    counts: emptyCounts(),
    pagesDone: 0,
    quarantined: catalog.quarantined,
    quarantineSample: catalog.quarantineSample,
    apiCalls: auth.apiCalls + catalog.apiCalls,
    catalog: { products: catalog.products, groupChanged: catalog.groupChanged },
    samples: { added: [], updated: [] },
  };
}

/** A run of the same job that started earlier and is still running (first execution only). */
async function earlierRunInProgress(input: SyncRunInput): Promise<string | undefined> {
  // Added after the first recorded histories: patched() keeps those replaying.
  // A forced follow-up is this job's run carrying on: it never stands down.
  if (input.checkpoint || input.runId || input.followUp || !patched('find-earlier-run')) return undefined;
  const info = workflowInfo();
  return storeActivities.findEarlierRun({
    jobId: input.job.id,
    workflowId: info.workflowId,
    startedAt: info.runStartTime.toISOString(),
  });
}

/** Runs of one job never overlap: record that this one stood down for an earlier one. */
async function standDown(input: SyncRunInput, state: SyncRunState, earlier: string): Promise<RunReport> {
  const report = buildReport(
    input,
    state,
    emptyCheckpoint(input),
    false,
    { writeBack: undefined, missing: undefined },
    undefined,
  );
  report.outcome = 'skipped';
  report.message = `skipped: run ${earlier} of this job was still in progress (runs of one job never overlap)`;
  upsertSearchAttributes([{ key: SA_OUTCOME, value: report.outcome }]);
  await storeActivities.recordRun(report);
  // Forces sent to this run while it stood down belong to the run that carries on.
  if (state.pendingForce && patched('forward-force')) {
    await storeActivities.forwardForce({ workflowId: earlier, signal: state.pendingForce });
  }
  state.phase = 'done';
  return report;
}

function emptyCheckpoint(input: SyncRunInput): SyncCheckpoint {
  return {
    planner: newPlanner(input.job.pageSize, 0),
    counts: emptyCounts(),
    pagesDone: 0,
    quarantined: 0,
    quarantineSample: [],
    apiCalls: 0,
    catalog: { products: 0, groupChanged: 0 },
    samples: { added: [], updated: [] },
  };
}

/** Best effort: a failed run still leaves a report in the run log and a searchable outcome. */
async function recordFailure(input: SyncRunInput, state: SyncRunState, err: Error): Promise<void> {
  const outcome: RunOutcome = isCancellation(err) ? 'cancelled' : 'failed';
  upsertSearchAttributes([{ key: SA_OUTCOME, value: outcome }]);
  const cp = state.checkpoint ?? emptyCheckpoint(input);
  const report = buildReport(
    input,
    state,
    cp,
    false,
    { writeBack: undefined, missing: undefined },
    undefined,
  );
  report.outcome = outcome;
  report.errors.push(failureMessage(err));
  report.message = `run ${outcome}: ${failureMessage(err)}`;
  if (state.pendingForce) {
    report.message +=
      '; a force received during the run was not carried out: force again once the cause is fixed';
  }
  try {
    // Non-cancellable: a cancelled run still leaves its report in the run log.
    await CancellationScope.nonCancellable(() => storeActivities.recordRun(report));
  } catch {
    // The store may be what failed; the workflow failure itself still says why.
  }
}
