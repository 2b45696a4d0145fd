/**
 * The oracle sync tests compare against: the devices and tracked installations a correct
 * sync of the site's current state stores. A full pass over the live devices (a test aid,
 * never on a request path).
 */
import type { Product } from './catalog';
import type { DeviceStore } from './device-store';
import type { Inventory } from './inventory';
import { softwareAt } from './snapshots';
import type { GroundTruthOptions } from './types';

export interface SiteData {
  readonly inv: Inventory;
  readonly store: DeviceStore;
  readonly catalog: readonly Product[];
}

/** A device filter on type; undefined (no filtering) when `types` is undefined. */
export function typeFilter(
  inv: Inventory,
  types: string[] | undefined,
): ((i: number) => boolean) | undefined {
  if (!types) return undefined;
  const set = new Set(types);
  return (i) => set.has(inv.typeOf(i));
}

/** `trackedGroups` defaults to `trackedByFlag`, the groups whose tracking flag is on. */
export function countGroundTruth(
  site: SiteData,
  trackedByFlag: string[],
  opts: GroundTruthOptions,
): { devices: number; installations: number } {
  const tracked = new Set(opts.trackedGroups ?? trackedByFlag);
  const platforms = opts.platforms && new Set(opts.platforms);
  const typeOk = typeFilter(site.inv, opts.types);
  let devices = 0;
  let installations = 0;
  for (const i of site.store.live()) {
    if (typeOk && !typeOk(i)) continue;
    devices++;
    const platform = site.inv.platformOf(i);
    if (platforms && (platform === undefined || !platforms.has(platform))) continue;
    for (const item of softwareAt(site.inv, i, site.store.genOf(i))) {
      if (tracked.has(site.catalog[item.product]?.group ?? '')) installations++;
    }
  }
  return { devices, installations };
}
