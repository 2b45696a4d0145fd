/**
 * Follow a run until its report: a progress bar from the `progress` query, then the report.
 * Losing the connection to Temporal is not the run's outcome: the run goes on in the server,
 * so the follower says it is reconnecting and waits, for a bounded time.
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { SingleBar, Presets } from 'cli-progress';
import { UsageError, classifyFailure } from '../activities/failures';
import { FailureType, failureText, failureTypeOf } from '../common/failure-types';
import type { NavigatorReport, RunReport } from '../common/sync-types';
import { progressQuery } from '../workflows/signals';
import type { RunOutcomeView } from './exit-codes';

export interface FollowOptions {
  /** A progress bar on a terminal. */
  progress?: boolean;
}

/** How long a follower keeps trying while Temporal cannot be reached. */
const RECONNECT_FOR_MS = 120_000;

/** A workflow id that names no run is the operator's mistake (exit 2), not a failed run. */
export async function assertRunExists(client: Client, workflowId: string): Promise<void> {
  try {
    await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      throw new UsageError(
        `no run with workflow id ${workflowId} (the RUN column of \`runs <job>\` lists them)`,
      );
    throw err;
  }
}

export async function waitForReport(
  client: Client,
  workflowId: string,
  opts: FollowOptions = {},
): Promise<RunOutcomeView> {
  const handle = client.workflow.getHandle<(...a: unknown[]) => Promise<RunReport>>(workflowId);
  const bar =
    opts.progress && process.stdout.isTTY
      ? new SingleBar(
          { format: ' {phase} |{bar}| {value}/{total} pages, {devices} devices written' },
          Presets.shades_classic,
        )
      : undefined;
  let stop = false;
  let wake = (): void => {};
  const poll = (async () => {
    if (!bar) return;
    bar.start(1, 0, { phase: 'starting', devices: 0 });
    while (!stop) {
      try {
        const p = await handle.query(progressQuery);
        bar.setTotal(Math.max(1, p.pagesTotal));
        bar.update(p.pagesDone, { phase: p.phase.padEnd(12), devices: p.devicesWritten });
      } catch {
        // between continue-as-new executions, or not yet started
      }
      // Woken at once when the result is in: the report is not held back by a poll interval.
      await new Promise<void>((r) => {
        const timer = setTimeout(r, 500);
        wake = () => {
          clearTimeout(timer);
          r();
        };
      });
    }
    bar.stop();
  })();
  try {
    return await resultThroughOutages(handle, workflowId);
  } finally {
    stop = true;
    wake();
    await poll;
  }
}

/** The run's result; a lost connection is waited out (the client reconnects by itself) for a while. */
async function resultThroughOutages(
  handle: { result(): Promise<RunReport> },
  workflowId: string,
): Promise<RunOutcomeView> {
  const limitMs = RECONNECT_FOR_MS;
  let lostSince: number | undefined;
  for (;;) {
    try {
      const report = await handle.result();
      return { ok: true, report };
    } catch (err) {
      if (classifyFailure(err).type !== FailureType.TemporalUnavailable)
        return { ok: false, workflowId, reason: failureText(err), type: failureTypeOf(err) };
      if (lostSince === undefined) {
        lostSince = Date.now();
        console.error(
          `reconnecting to Temporal… (the run goes on in the server; waiting up to ${Math.round(limitMs / 1000)} s)`,
        );
      }
      if (Date.now() - lostSince > limitMs) {
        return {
          ok: false,
          workflowId,
          lostContact: true,
          type: FailureType.TemporalUnavailable,
          reason: `lost contact with Temporal; the run goes on: follow it with \`progress ${workflowId}\``,
        };
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** Print a run report for a person. */
export function printReport(view: RunOutcomeView, out: (s: string) => void = console.log): void {
  if (!view.ok) {
    out(view.lostContact ? view.reason : `run ${view.workflowId} FAILED: ${view.reason}`);
    return;
  }
  const r = view.report;
  const c = r.counts;
  out(
    `run ${r.workflowId} (${r.trigger}${r.full ? ', full' : ''}${r.dryRun ? ', dry run' : ''}): ${r.outcome} in ${(r.durationMs / 1000).toFixed(1)} s`,
  );
  out(`  ${r.message}`);
  out(
    `  devices: listed ${c.listed}, details read ${c.detailsRead}, added ${c.added}, updated ${c.updated}, unchanged ${c.unchanged}, repeats ${c.duplicates}`,
  );
  out(
    // Only the devices whose details were read this run are filtered: a no-change run keeps 0.
    `  installations of the ${c.detailsRead} devices read: ${c.installationsKept} kept by the filters, +${c.installationsAdded} ~${c.installationsUpdated} -${c.installationsRemoved}`,
  );
  out(`  tracked groups: ${r.trackedGroups.join(', ') || '(none)'} (from ${r.trackedGroupsSource})`);
  for (const [reason, n] of Object.entries(c.skipped)) out(`  skipped ${n}: ${reason}`);
  const rt = r.retire;
  out(
    `  retire: deleted ${rt.writeBackDeleted} (+${rt.writeBackAlreadyGone} already gone), unseen ${rt.unseen}, flagged missing ${rt.flaggedMissing}${rt.flaggedGone ? ` (${rt.flaggedGone} found gone while read)` : ''}${rt.thresholdExceeded ? ' (THRESHOLD EXCEEDED: needs confirmation)' : ''}`,
  );
  const l = r.listing;
  if (l && (l.sweeps > 0 || l.totalAtStart !== l.totalAtEnd || !l.covered))
    out(
      `  listing: ${l.totalAtStart} → ${l.totalAtEnd} devices during the run, read again ${l.sweeps}× (${l.foundBySweeps} found), ${l.gone} gone while read${l.covered ? '' : ', NOT COVERED: unseen walk skipped'}${l.stable ? '' : ', still changing at the end'}`,
    );
  const v = r.verify;
  out(
    `  verify: source ${v.sourceDevices} devices vs imported ${v.importedDevices} + skipped ${v.skippedDevices}; expected ${v.expectedInstallations} installations vs stored ${v.storedInstallations} → ${r.dryRun ? 'not checked (dry run)' : v.ok ? 'OK' : 'MISMATCH'}`,
  );
  out(`  quarantined ${r.quarantined}, API calls ${r.apiCalls}`);
  if (r.rate)
    out(
      `  rate: reached ${r.rate.reached} calls/s (ceiling ${r.rate.ceiling}, budget at the end ${r.rate.budget}/s), ${r.rate.throttled} × 429 from the site${r.sitePageSize === undefined ? '' : `; the site's page size ${r.sitePageSize}`}`,
    );
  if (r.navigator) for (const line of navigatorLines(r.navigator)) out(`  ${line}`);
  if (r.samples)
    for (const [k, names] of Object.entries(r.samples))
      if (names.length) out(`  would ${k}: ${names.join(', ')}`);
}

/** The Navigator destination's lines of a report. */
export function navigatorLines(n: NavigatorReport): string[] {
  const adopted = Object.entries(n.adopted).filter(([, v]) => v > 0);
  const v = n.verify;
  return [
    `navigator ${n.navigator}: created ${n.created}, adopted ${adopted.reduce((a, [, b]) => a + b, 0)}${adopted.length ? ` (${adopted.map(([rule, k]) => `${k} by ${rule}`).join(', ')})` : ''}, updated ${n.updated}, unchanged ${n.unchanged}, flagged missing ${n.markedMissing}, unflagged ${n.unflagged ?? 0}, recreated ${n.recreated ?? 0}, retired there ${n.retiredInNavigator ?? 0}`,
    `navigator ${n.navigator}: ${n.writeCalls} write calls of ${n.apiCalls} API calls, ${n.throttled} × 429, ${n.lostAnswers} answers lost (looked up before repeating), ${n.refused} refused and ${n.ambiguous} ambiguous (quarantined)`,
    `navigator ${n.navigator}: ${n.installationsNotWritten} installations not written to Navigator: ${n.installationsReason}`,
    `navigator ${n.navigator}: verify: ${v.found} of ${v.expected} linked records found live, ${v.duplicates} duplicates, ${v.unlinked ?? 0} live devices without a record (Computers ${n.linked.computers}, Inventory Items ${n.linked.inventoryItems}) → ${v.ok ? 'OK' : 'MISMATCH'}`,
  ];
}
