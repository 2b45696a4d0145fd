/** Run-report counters: a fresh set, and adding one page's into the running total. Workflow-safe. */
import type { PageCounts } from './sync-types';

/** Reasons a listed device is not stored by a run (the verify step accounts for them). */
export const DEVICE_SKIP = {
  vanished: 'device vanished during the run (404)',
  snapshotVanished: 'audit snapshot vanished during the run (404)',
  quarantined: 'quarantined device record (malformed)',
} as const;

export function emptyCounts(): PageCounts {
  return {
    listed: 0,
    detailsRead: 0,
    unchanged: 0,
    added: 0,
    updated: 0,
    duplicates: 0,
    adopted: {},
    installationsAdded: 0,
    installationsUpdated: 0,
    installationsRemoved: 0,
    skipped: {},
    installationsKept: 0,
    notStored: 0,
  };
}

/** Add counters by key (skip reasons, adoption rules). */
export function addTallies(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

/** Add one page's counts into the running total of the pass. */
export function addCounts(into: PageCounts, from: PageCounts): void {
  for (const key of Object.keys(into) as (keyof PageCounts)[]) {
    const a = into[key];
    const b = from[key];
    if (typeof a === 'number' && typeof b === 'number') (into[key] as number) = a + b;
    else if (typeof a === 'object' && typeof b === 'object') addTallies(a, b);
  }
}
