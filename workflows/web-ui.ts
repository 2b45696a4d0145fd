/**
 * What a run shows in the Temporal Web UI, so an operator reads it at a glance: a summary
 * of each activity (`page 12/40 (offset 5,500)`), the run's live details while it runs
 * (phase, pages, devices written and per second), and its report summary in the memo when
 * it ends. Pure text from the state: no I/O, safe in workflow code.
 */
import type { PageRequest, RunReport, SyncProgress } from '../common/sync-types';

/** 12,345 (by hand: locale formatting has no place in deterministic code). */
const n = (v: number): string => String(Math.round(v)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** The summary of a page activity. */
export function pageSummary(req: PageRequest, progress: SyncProgress, sweep = 0): string {
  const page = Math.floor(req.offset / Math.max(1, req.limit)) + 1;
  const text = `page ${page}/${Math.max(page, progress.pagesTotal)} (offset ${n(req.offset)})`;
  return sweep ? `re-list ${sweep}, ${text}` : text;
}

/** Summaries of the other steps' activities. */
export const STEP_SUMMARY = {
  findEarlierRun: 'is another run of this job in progress?',
  authenticate: 'authenticate (token, tracked groups, device total)',
  syncCatalog: 'software catalog',
  retireWriteBack: 'retire write-back (delete retired records in AlloyScan)',
  flagMissing: 'missing look-ups (devices the listing did not list)',
  verifyCounts: 'verify counts (source vs store)',
  prepareNavigator: 'Navigator: list its records (matching) and read back retirements',
  pushNavigator: 'Navigator: create, adopt, update and flag what the pages left',
  verifyNavigator: 'Navigator: verify (its records vs the links)',
  recordRun: 'record the run report',
  forwardForce: 'hand forces to the run in progress',
} as const;

/** The run's live details (Markdown), shown while it runs. */
export function currentDetails(progress: SyncProgress, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? Math.round((progress.devicesWritten / elapsedMs) * 1000) : 0;
  const lines = [
    `**${progress.phase}**`,
    ...(progress.pass
      ? [progress.pass.full ? `full pass (${progress.pass.reason ?? 'asked for'})` : 'changed-only pass']
      : []),
    `pages ${progress.pagesDone}/${progress.pagesTotal} done, ${progress.pagesInFlight} in flight`,
    `devices written ${n(progress.devicesWritten)} (${n(rate)}/s), installations written ${n(progress.installationsWritten)}`,
  ];
  if (progress.pendingForce) lines.push('a forced full pass follows this run');
  return lines.join('\n\n');
}

/** The memo a finished run leaves for the Web UI's run list and details. */
export function reportMemo(r: RunReport): Record<string, unknown> {
  return {
    outcome: r.outcome,
    summary: r.message,
    devices: {
      listed: r.counts.listed,
      added: r.counts.added,
      updated: r.counts.updated,
      unchanged: r.counts.unchanged,
    },
    installations: {
      added: r.counts.installationsAdded,
      updated: r.counts.installationsUpdated,
      removed: r.counts.installationsRemoved,
    },
    verify: r.verify.ok ? 'OK' : r.dryRun ? 'not checked (dry run)' : 'MISMATCH',
    quarantined: r.quarantined,
    apiCalls: r.apiCalls,
    ...(r.navigator && {
      navigator: {
        id: r.navigator.navigator,
        created: r.navigator.created,
        adopted: r.navigator.adopted,
        updated: r.navigator.updated,
        unchanged: r.navigator.unchanged,
        flaggedMissing: r.navigator.markedMissing,
        unflagged: r.navigator.unflagged ?? 0,
        recreated: r.navigator.recreated ?? 0,
        writeCalls: r.navigator.writeCalls,
        throttled: r.navigator.throttled,
        lostAnswers: r.navigator.lostAnswers,
        refused: r.navigator.refused + r.navigator.ambiguous,
        verify: r.navigator.verify.ok ? 'OK' : 'MISMATCH',
        installations: r.navigator.installations
          ? {
              created: r.navigator.installations.created,
              adopted: r.navigator.installations.adopted,
              notWritten: r.navigator.installationsNotWritten,
            }
          : { notWritten: r.navigator.installationsNotWritten, why: r.navigator.installationsReason },
      },
    }),
  };
}
