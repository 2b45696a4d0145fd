/**
 * The verify step's device comparison and what the report says of a list that moved while
 * it was read. Pure: workflow-safe.
 *
 * Devices present at the end are the final listing's total, less the devices that listing
 * found gone while read (with one total on every page, they left after it was reported) and
 * those the write-back deleted. When the listing saw one total on every page, this is
 * compared exactly with the live records,
 * the retired ones still in the source and the present devices set aside. When the site was
 * still changing during the final listing, no total is exact: the report gives the drift, and
 * the devices are OK when every live record was either listed by the final listing or
 * confirmed present by a lookup (a record of a device that is gone would be neither).
 */
import type { FlagMissingOutput, WriteBackOutput } from '../activities/retire';
import type { VerifyOutput } from '../activities/report';
import type { RunReport, SyncCheckpoint } from '../common/sync-types';

export interface DeviceCheck {
  covered: boolean;
  complete: boolean;
  dryRun: boolean;
  writeBack: WriteBackOutput | undefined;
  missing: FlagMissingOutput | undefined;
  stored: VerifyOutput;
}

export interface DeviceVerify {
  sourceDevices: number;
  importedDevices: number;
  skippedDevices: number;
  unconfirmed: number;
  /** imported + skipped − source. */
  drift: number;
  ok: boolean;
}

export function verifyDevices(cp: Readonly<SyncCheckpoint>, run: DeviceCheck): DeviceVerify {
  const { writeBack, missing, stored, complete } = run;
  // Devices this run listed, less those its write-back then deleted from the source (counted
  // by the store: exact even when the write-back was retried after a crash).
  const deletedListed = writeBack?.deletedListed ?? writeBack?.deleted ?? 0;
  const goneAfterTotal = complete ? (cp.sweepGone ?? 0) : 0;
  const sourceDevices = cp.planner.total - goneAfterTotal - (run.dryRun ? 0 : deletedListed);
  const importedDevices = stored.liveDevices + stored.retiredInSource;
  // Devices found gone while read left the source: they are not set aside, they are gone.
  const skippedDevices = (cp.counts.notStored ?? 0) - (cp.counts.goneNotStored ?? 0);
  const unconfirmed = Math.max(0, (stored.unseen ?? 0) - (missing?.stillPresent ?? 0));
  const drift = importedDevices + skippedDevices - sourceDevices;
  const walked = missing !== undefined && !missing.thresholdExceeded;
  const ok = run.covered && walked && unconfirmed === 0 && (drift === 0 || !complete);
  return { sourceDevices, importedDevices, skippedDevices, unconfirmed, drift, ok };
}

/** What moved while the run read the list, for the report (undefined for a still site). */
export function listingOf(
  cp: Readonly<SyncCheckpoint>,
  totalAtStart: number,
  covered: boolean,
  complete: boolean,
): RunReport['listing'] {
  return {
    totalAtStart,
    totalAtEnd: cp.planner.total,
    sweeps: cp.sweep ?? 0,
    foundBySweeps: cp.foundBySweeps ?? 0,
    covered,
    stable: complete,
    gone: cp.counts.gone ?? 0,
  };
}

/** The report's sentences about a list that moved, devices found gone and what verify compared. */
export function listingSentences(r: RunReport, drift: number): string[] {
  const l = r.listing;
  if (!l) return [];
  const parts: string[] = [];
  const moved = l.sweeps > 0 || l.totalAtStart !== l.totalAtEnd || !l.stable;
  if (moved)
    parts.push(
      `the site changed during the run: ${l.totalAtStart} → ${l.totalAtEnd} devices; list read again ${l.sweeps}× (${l.foundBySweeps} devices found that an offset shift had hidden)`,
    );
  if (!l.covered)
    parts.push(
      'listing incomplete (a page came back empty below the total): unseen devices not looked up, only devices found gone flagged missing',
    );
  if (l.gone > 0)
    parts.push(`${l.gone} devices gone while read (${r.retire.flaggedGone ?? 0} records flagged missing)`);
  if (l.covered && !l.stable && drift !== 0)
    parts.push(
      `still changing at the end: ${drift > 0 ? '+' : ''}${drift} devices against the final total, every live record listed or confirmed present`,
    );
  return parts;
}
