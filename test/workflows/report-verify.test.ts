import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FlagMissingOutput } from '../../activities/retire';
import type { VerifyOutput } from '../../activities/report';
import { emptyTotals } from '../../common/counts';
import type { SyncCheckpoint } from '../../common/sync-types';
import { newPlanner } from '../../workflows/page-planner';
import { verifyDevices, type DeviceCheck } from '../../workflows/report-verify';

function checkpoint(
  total: number,
  counts: { notStored?: number; goneNotStored?: number; sweepGone?: number },
) {
  const cp: SyncCheckpoint = {
    ...emptyTotals(),
    planner: newPlanner(50, total),
    pagesDone: 0,
    catalog: { products: 0, groupChanged: 0 },
    sweepGone: counts.sweepGone ?? 0,
  };
  cp.counts.notStored = counts.notStored ?? 0;
  cp.counts.goneNotStored = counts.goneNotStored ?? 0;
  return cp;
}

const walk = (stillPresent = 0, thresholdExceeded = false): FlagMissingOutput => ({
  unseen: stillPresent,
  confirmedMissing: 0,
  stillPresent,
  flagged: 0,
  thresholdExceeded,
  sample: [],
  apiCalls: 0,
});

const stored = (live: number, unseen = 0): VerifyOutput => ({
  computers: live,
  hardware: 0,
  liveDevices: live,
  installations: 0,
  expectedInstallations: 0,
  flaggedMissing: 0,
  retiredInSource: 0,
  unseen,
});

function check(over: Partial<DeviceCheck>): DeviceCheck {
  return {
    covered: true,
    complete: true,
    dryRun: false,
    writeBack: undefined,
    missing: walk(),
    stored: stored(100),
    ...over,
  };
}

describe('verify: devices present at the end against the store', () => {
  const cases: [name: string, cp: SyncCheckpoint, run: DeviceCheck, ok: boolean, drift: number][] = [
    ['a still site: exact', checkpoint(100, {}), check({}), true, 0],
    ['a still site, one record too many: mismatch', checkpoint(99, {}), check({}), false, 1],
    [
      'a device gone after the final total was read is not present, nor set aside',
      checkpoint(101, { notStored: 1, goneNotStored: 1, sweepGone: 1 }),
      check({}),
      true,
      0,
    ],
    [
      'still changing at the end: a drift, every record listed or confirmed',
      checkpoint(97, {}),
      check({ complete: false, missing: walk(2), stored: stored(100, 2) }),
      true,
      3,
    ],
    [
      'still changing, a record neither listed nor looked up: mismatch',
      checkpoint(97, {}),
      check({ complete: false, missing: walk(2), stored: stored(100, 3) }),
      false,
      3,
    ],
    [
      'a listing that was not covered: no walk, mismatch',
      checkpoint(100, {}),
      check({ covered: false, complete: false, missing: undefined }),
      false,
      0,
    ],
    [
      'a walk stopped by the threshold: mismatch',
      checkpoint(100, {}),
      check({ missing: walk(0, true) }),
      false,
      0,
    ],
  ];
  for (const [name, cp, run, ok, drift] of cases)
    it(name, () => {
      const v = verifyDevices(cp, run);
      assert.deepEqual({ ok: v.ok, drift: v.drift }, { ok, drift });
    });
});
