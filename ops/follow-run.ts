/** Follow a run until its report: a progress bar from the `progress` query, then the report. */
import type { Client } from '@temporalio/client';
import { SingleBar, Presets } from 'cli-progress';
import { failureText, failureTypeOf } from '../common/failure-types';
import type { RunReport } from '../common/sync-types';
import { progressQuery } from '../workflows/signals';
import type { RunOutcomeView } from './exit-codes';

export async function waitForReport(
  client: Client,
  workflowId: string,
  opts: { progress?: boolean } = {},
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
      await new Promise((r) => setTimeout(r, 500));
    }
    bar.stop();
  })();
  try {
    const report = await handle.result();
    return { ok: true, report };
  } catch (err) {
    return { ok: false, workflowId, reason: failureText(err), type: failureTypeOf(err) };
  } finally {
    stop = true;
    await poll;
  }
}

/** Print a run report for a person. */
export function printReport(view: RunOutcomeView, out: (s: string) => void = console.log): void {
  if (!view.ok) {
    out(`run ${view.workflowId} FAILED: ${view.reason}`);
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
    `  installations: kept by filter ${c.installationsKept}, +${c.installationsAdded} ~${c.installationsUpdated} -${c.installationsRemoved}`,
  );
  out(`  tracked groups: ${r.trackedGroups.join(', ') || '(none)'} (from ${r.trackedGroupsSource})`);
  for (const [reason, n] of Object.entries(c.skipped)) out(`  skipped ${n}: ${reason}`);
  const rt = r.retire;
  out(
    `  retire: deleted ${rt.writeBackDeleted} (+${rt.writeBackAlreadyGone} already gone), unseen ${rt.unseen}, flagged missing ${rt.flaggedMissing}${rt.thresholdExceeded ? ' (THRESHOLD EXCEEDED: needs confirmation)' : ''}`,
  );
  const v = r.verify;
  out(
    `  verify: source ${v.sourceDevices} devices vs imported ${v.importedDevices} + skipped ${v.skippedDevices}; expected ${v.expectedInstallations} installations vs stored ${v.storedInstallations} → ${r.dryRun ? 'not checked (dry run)' : v.ok ? 'OK' : 'MISMATCH'}`,
  );
  out(`  quarantined ${r.quarantined}, API calls ${r.apiCalls}`);
  if (r.rate)
    out(
      `  rate: reached ${r.rate.reached} calls/s (ceiling ${r.rate.ceiling}, budget at the end ${r.rate.budget}/s), ${r.rate.throttled} × 429 from the site`,
    );
  if (r.samples)
    for (const [k, names] of Object.entries(r.samples))
      if (names.length) out(`  would ${k}: ${names.join(', ')}`);
}
