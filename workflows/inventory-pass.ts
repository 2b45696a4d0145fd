/**
 * The inventory pass: device-list pages with bounded parallelism, each page one activity
 * (fetch, filter, upsert). Stops early with a checkpoint when the history should be rolled
 * over (continue-as-new), after letting in-flight pages finish.
 */
import { defineQuery, patched, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  RATE_SHARE_QUERY,
  type PageRequest,
  type SyncCheckpoint,
  type SyncRunInput,
} from '../common/sync-types';
import { heartbeatingActivities } from './activity-proxies';
import { exhausted } from './page-planner';
import type { SyncRunState } from './sync-run-state';
import { currentDetails, pageSummary } from './web-ui';

/** A running page asks for its share of the job's rate (see activities/rate-share.ts). */
const rateShareQuery = defineQuery<number>(RATE_SHARE_QUERY);

export type PassResult = { kind: 'done' } | { kind: 'continue'; checkpoint: SyncCheckpoint };

export async function runInventoryPass(input: SyncRunInput, state: SyncRunState): Promise<PassResult> {
  const auth = state.auth;
  if (!auth) throw new Error('inventory pass started before authentication');
  const inflight = new Map<number, Promise<void>>();
  let pagesThisExecution = 0;
  const { requestsPerSecond: rps, pageConcurrency: pages } = input.job;
  const started = Date.now();
  // Histories recorded before the planner learned a site's page size replay without it.
  const learnCap = patched('site-page-size');
  setHandler(rateShareQuery, () => state.currentShare(rps));
  const pageActivities = heartbeatingActivities(input.heartbeatTimeout).page;
  const launch = (req: PageRequest): void => {
    const summary = pageSummary(req, state.progress(), state.sweep);
    const page = pageActivities.processDevicePage
      .executeWithOptions({ summary }, [
        {
          job: input.job,
          runId: state.runId,
          offset: req.offset,
          limit: req.limit,
          full: auth.full,
          dryRun: !!input.dryRun,
          trackedGroups: auth.trackedGroups,
          rate: state.rateShare(rps, pages),
          ...(state.sweep ? { sweep: state.sweep } : {}),
        },
      ])
      .then((res) => {
        state.applyPage(req, res, rps, pages, learnCap);
        setCurrentDetails(currentDetails(state.progress(), Date.now() - started));
        pagesThisExecution++;
        inflight.delete(req.offset);
      });
    inflight.set(req.offset, page);
  };
  for (;;) {
    const rollOver = shouldRollOver(input, pagesThisExecution);
    while (!rollOver && inflight.size < pages) {
      const req = state.takePage();
      if (!req) break;
      launch(req);
    }
    if (inflight.size === 0) break;
    await Promise.race(inflight.values());
  }
  state.passTime(Date.now() - started, rps);
  const cp = state.checkpoint!;
  if (!exhausted(cp.planner) && shouldRollOver(input, pagesThisExecution))
    return { kind: 'continue', checkpoint: cp };
  return { kind: 'done' };
}

function shouldRollOver(input: SyncRunInput, pages: number): boolean {
  const after = input.continueAsNewAfterPages;
  if (after !== undefined && after > 0 && pages >= after) return true;
  return workflowInfo().continueAsNewSuggested;
}
