/**
 * `verify <job>`: AlloyScan's totals against the store now, without a run. Between runs the
 * site may have changed: the devices present at the end of the last successful run are the
 * other figure to compare, so a mismatch says whether the site moved since (a run is due) or
 * the store differs from what that run left (a real mismatch).
 */
import { Command } from 'commander';
import type { SyncConfig } from '../../ops/config';
import { print, withStore } from '../session';

export interface VerifyNow {
  jobId: string;
  sourceDevices: number;
  storedDevices: number;
  /** Retired in Navigator, their AlloyScan device kept: still in the source. */
  retiredInSource: number;
  /** Devices the last successful run listed but could not store (quarantined as malformed, or vanished). */
  setAsideByLastRun: number;
  expectedInstallations: number;
  storedInstallations: number;
  /** Devices present at the end of the last successful run (its verify source), if any. */
  presentAtLastRun?: number | undefined;
  /** Devices added less devices removed on the site since the last successful run ended. */
  movedSinceLastRun?: number | undefined;
  /** The store differs from what the last successful run left by this many devices. */
  storeDrift?: number | undefined;
  devicesOk: boolean;
  installationsOk: boolean;
  ok: boolean;
}

export function verifyCommand(config: () => Promise<SyncConfig>): Command {
  return new Command('verify')
    .description(
      "compare AlloyScan's device total with the store now, and the installations the store expects with those it holds",
    )
    .argument('<job>')
    .option('--json', 'print as JSON')
    .action(async (jobId: string, o: { json?: boolean }) => {
      const { findJob } = await import('../../ops/jobs.js');
      const { realClientFor } = await import('../../ops/site-client.js');
      const { ExitCode } = await import('../../ops/exit-codes.js');
      const cfg = await config();
      const job = findJob(cfg, jobId);
      const client = realClientFor(job);
      const { total } = await client.listDevices({ offset: 0, limit: 1 });
      const [counts, last] = await withStore(cfg, (store) =>
        Promise.all([store.counts(job.id), store.lastSuccess(job.id)]),
      );
      const setAside = last?.verify.skippedDevices ?? 0;
      const stored = counts.liveDevices + counts.retiredInSource + setAside;
      const atLastRun = last?.verify.sourceDevices;
      const result: VerifyNow = {
        jobId: job.id,
        sourceDevices: total,
        storedDevices: counts.liveDevices,
        retiredInSource: counts.retiredInSource,
        setAsideByLastRun: setAside,
        presentAtLastRun: atLastRun,
        movedSinceLastRun: atLastRun === undefined ? undefined : total - atLastRun,
        storeDrift: atLastRun === undefined ? undefined : stored - atLastRun,
        expectedInstallations: counts.expectedInstallations,
        storedInstallations: counts.installations,
        devicesOk: stored === total,
        installationsOk: counts.installations === counts.expectedInstallations,
        ok: stored === total && counts.installations === counts.expectedInstallations,
      };
      print(result, o.json, (r) => [
        `${r.jobId}: AlloyScan ${r.sourceDevices} devices vs store ${r.storedDevices} (+${r.retiredInSource} retired, kept in AlloyScan; +${r.setAsideByLastRun} set aside by the last run) → ${r.devicesOk ? 'OK' : 'MISMATCH'}`,
        `${r.jobId}: installations expected ${r.expectedInstallations} vs stored ${r.storedInstallations} → ${r.installationsOk ? 'OK' : 'MISMATCH'}`,
        ...(r.ok ? [] : explain(r)),
      ]);
      if (!result.ok) process.exitCode = ExitCode.verifyMismatch;
    });
}

/** Why the devices differ: the site moved since the last run (a run is due), or the store drifted from it. */
function explain(r: VerifyNow): string[] {
  if (r.presentAtLastRun === undefined) return ['(no successful run yet: force a run, then verify again)'];
  const sign = (n: number): string => (n > 0 ? `+${n}` : String(n));
  const moved = `the site moved by ${sign(r.movedSinceLastRun ?? 0)} devices since the last successful run ended (${r.presentAtLastRun} present then)`;
  const store = r.storeDrift
    ? `the store differs from what that run left by ${sign(r.storeDrift)}: a mismatch a run must explain`
    : 'the store still matches what that run left';
  return [`(${moved}; ${store}: force a run, then verify again)`];
}
