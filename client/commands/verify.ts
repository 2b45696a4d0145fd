/**
 * `verify <job>`: AlloyScan's totals against the store now, without a run. Between runs the
 * site may have changed: the devices present at the end of the last successful run are the
 * other figure to compare, so a mismatch says whether the site moved since (a run is due) or
 * the store differs from what that run left (a real mismatch).
 */
import { Command } from 'commander';
import type { SyncStore } from '../../activities/store/store-types';
import type { SyncJobConfig } from '../../common/sync-types';
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
  /** A job writing into a Navigator: its records listed now against the job's links. */
  navigator?: { id: string; expected: number; found: number; duplicates: number; ok: boolean } | undefined;
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
      const [counts, last, navigator] = await withStore(cfg, (store) =>
        Promise.all([store.counts(job.id), store.lastSuccess(job.id), navigatorNow(cfg, job, store)]),
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
        navigator,
        ok:
          stored === total &&
          counts.installations === counts.expectedInstallations &&
          (navigator === undefined || navigator.ok),
      };
      print(result, o.json, (r) => [
        `${r.jobId}: AlloyScan ${r.sourceDevices} devices vs store ${r.storedDevices} (+${r.retiredInSource} retired, kept in AlloyScan; +${r.setAsideByLastRun} set aside by the last run) → ${r.devicesOk ? 'OK' : 'MISMATCH'}`,
        `${r.jobId}: installations expected ${r.expectedInstallations} vs stored ${r.storedInstallations} → ${r.installationsOk ? 'OK' : 'MISMATCH'}`,
        ...(r.navigator
          ? [
              `${r.jobId}: Navigator ${r.navigator.id}: ${r.navigator.found} of ${r.navigator.expected} linked records live, ${r.navigator.duplicates} duplicates → ${r.navigator.ok ? 'OK' : 'MISMATCH'}`,
            ]
          : []),
        ...(r.ok ? [] : explain(r)),
      ]);
      if (!result.ok) process.exitCode = ExitCode.verifyMismatch;
    });
}

/** The job's Navigator listed now against its links (each class, page by page). */
async function navigatorNow(
  cfg: SyncConfig,
  job: SyncJobConfig,
  store: SyncStore,
): Promise<VerifyNow['navigator']> {
  const nav = cfg.navigators.find((n) => n.id === job.navigator);
  if (!nav) return undefined;
  const { navigatorClientFor } = await import('../../ops/navigator-client.js');
  const { verifyNavigator } = await import('../../activities/destination/navigator/verify.js');
  const tally = await store.navigator.linkTally(job.id, '');
  const expected = (tally.linked.computer ?? 0) + (tally.linked.hardware ?? 0);
  const v = await verifyNavigator(
    store,
    { config: nav, client: navigatorClientFor(nav, { jobId: job.id }) },
    job.id,
    expected,
    () => undefined,
  );
  return { id: nav.id, expected: v.expected, found: v.found, duplicates: v.duplicates, ok: v.ok };
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
