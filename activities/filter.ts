/**
 * The filter step: pure functions deciding which installations of a device become
 * Discovered Installations. Tracked software groups first, then the platform option.
 * Nothing is dropped silently: every installation left out is counted under a reason.
 */
import type { ImportSoftware, InstallationUpsert, SourceInstallation } from '../common/domain';

export interface FilterContext {
  importSoftware: ImportSoftware;
  /** Names of the software groups whose "track in Alloy Navigator" toggle is on. */
  trackedGroups: ReadonlySet<string>;
  /** Software group of each catalog product; a product absent here is unknown to the catalog. */
  productGroups: ReadonlyMap<string, string>;
  /** Products whose catalog record was malformed (quarantined): their installations say so. */
  malformedProducts?: ReadonlySet<string>;
}

export interface FilterResult {
  kept: InstallationUpsert[];
  /** Installations left out, by reason. */
  skipped: Record<string, number>;
}

/** Skip reasons, as they appear in the run report. */
export const SkipReason = {
  softwareImportOff: 'software import is off (none)',
  platformNotSelected: (p: string) => `platform not selected: ${p}`,
  untrackedGroup: (g: string) => `software group not tracked: ${g}`,
  unknownProduct: 'product not in the software catalog',
  malformedProduct: 'catalog product quarantined (malformed record)',
  duplicateProduct: 'same product listed twice in one snapshot',
} as const;

function bump(counts: Record<string, number>, reason: string, by = 1): void {
  counts[reason] = (counts[reason] ?? 0) + by;
}

/** Whether software of a device on `platform` is imported at all under the job's option. */
export function platformReason(option: ImportSoftware, platform: string | undefined): string | undefined {
  if (option.mode === 'none') return SkipReason.softwareImportOff;
  if (option.mode === 'all') return undefined;
  const p = platform ?? 'unknown';
  return option.platforms.some((x) => x === p) ? undefined : SkipReason.platformNotSelected(p);
}

/** Filter one device's installations (platform from its snapshot's operating system). */
export function filterInstallations(
  installs: readonly SourceInstallation[],
  platform: string | undefined,
  ctx: FilterContext,
): FilterResult {
  const skipped: Record<string, number> = {};
  const byPlatform = platformReason(ctx.importSoftware, platform);
  if (byPlatform) {
    if (installs.length > 0) bump(skipped, byPlatform, installs.length);
    return { kept: [], skipped };
  }
  const kept: InstallationUpsert[] = [];
  const seen = new Set<string>();
  for (const inst of installs) {
    const group = ctx.productGroups.get(inst.productId);
    if (group === undefined)
      bump(
        skipped,
        ctx.malformedProducts?.has(inst.productId) ? SkipReason.malformedProduct : SkipReason.unknownProduct,
      );
    else if (!ctx.trackedGroups.has(group)) bump(skipped, SkipReason.untrackedGroup(group));
    else if (seen.has(inst.productId)) bump(skipped, SkipReason.duplicateProduct);
    else {
      seen.add(inst.productId);
      kept.push({ ...inst, platform });
    }
  }
  return { kept, skipped };
}

export { addTallies as mergeCounts } from '../common/counts';
