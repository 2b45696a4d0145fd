/**
 * `verify <job>`: AlloyScan's totals against the store now, without a run. Between runs the
 * site may have changed: a mismatch then says a run is due, not that the store is wrong.
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
      const result: VerifyNow = {
        jobId: job.id,
        sourceDevices: total,
        storedDevices: counts.liveDevices,
        retiredInSource: counts.retiredInSource,
        setAsideByLastRun: setAside,
        expectedInstallations: counts.expectedInstallations,
        storedInstallations: counts.installations,
        devicesOk: stored === total,
        installationsOk: counts.installations === counts.expectedInstallations,
        ok: stored === total && counts.installations === counts.expectedInstallations,
      };
      print(result, o.json, (r) => [
        `${r.jobId}: AlloyScan ${r.sourceDevices} devices vs store ${r.storedDevices} (+${r.retiredInSource} retired, kept in AlloyScan; +${r.setAsideByLastRun} set aside by the last run) → ${r.devicesOk ? 'OK' : 'MISMATCH'}`,
        `${r.jobId}: installations expected ${r.expectedInstallations} vs stored ${r.storedInstallations} → ${r.installationsOk ? 'OK' : 'MISMATCH'}`,
        ...(r.ok ? [] : ['(the site may have changed since the last run: force a run, then verify again)']),
      ]);
      if (!result.ok) process.exitCode = ExitCode.verifyMismatch;
    });
}
