/** Run-report counters: a fresh set, and adding one page's into the running total. Workflow-safe. */
import type { PageCounts, PassTotals } from './sync-types';

/** Records named per kind in a report's samples (quarantined records, added, updated, missing, deleted). */
export const SAMPLE_SIZE = 5;

/** Tops `into` up to SAMPLE_SIZE entries from `from`. */
export function addSample<T>(into: T[], from: readonly T[]): void {
  into.push(...from.slice(0, Math.max(0, SAMPLE_SIZE - into.length)));
}

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
    gone: 0,
    goneNotStored: 0,
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

/** Nothing counted yet. */
export function emptyTotals(): PassTotals {
  return {
    counts: emptyCounts(),
    quarantined: 0,
    quarantineSample: [],
    apiCalls: 0,
    samples: { added: [], updated: [] },
  };
}

/** Add a page's totals into its pass's (or a batch's into its page's). */
export function addTotals(into: PassTotals, from: PassTotals): void {
  addCounts(into.counts, from.counts);
  into.quarantined += from.quarantined;
  addSample(into.quarantineSample, from.quarantineSample);
  into.apiCalls += from.apiCalls;
  addSample(into.samples.added, from.samples.added);
  addSample(into.samples.updated, from.samples.updated);
}

/** Why a pass must be full when catalog products changed software group (one wording everywhere). */
export function groupChangeReason(changed: number): string {
  return `${changed} products changed software group`;
}
