/**
 * The identity ladder, as a pure function: which existing Navigator record (if any) a device
 * that is new to the job adopts. Rungs after the AlloyScan ID: serial, then MAC, then name.
 */
import type { IdentityRule } from '../../common/domain';

export type LadderRung = 'serial' | 'mac' | 'name';
export const LADDER_RUNGS: readonly LadderRung[] = ['serial', 'mac', 'name'];

/** Match keys of one device (undefined = no usable value for that rung: absent or junk). */
export interface LadderKeys {
  serial?: string | undefined;
  mac?: string | undefined;
  name?: string | undefined;
}

export interface LadderDevice extends LadderKeys {
  sourceId: string;
}

/** A live (not retired) record of the target table holding at least one of the page's keys. */
export interface LadderRecord {
  id: number;
  keys: LadderKeys;
  /** Already linked to an AlloyScan device: it counts as a holder of its keys but cannot be adopted. */
  linked: boolean;
}

export interface LadderMatch {
  sourceId: string;
  rule: Exclude<IdentityRule, 'sourceId'>;
  /** The adopted record; undefined when rule is 'new'. */
  recordId?: number | undefined;
}

function countKeys<T>(
  items: readonly T[],
  keysOf: (item: T) => LadderKeys,
): Map<LadderRung, Map<string, T[]>> {
  const index = new Map<LadderRung, Map<string, T[]>>(LADDER_RUNGS.map((r) => [r, new Map()]));
  for (const item of items) {
    for (const rung of LADDER_RUNGS) {
      const key = keysOf(item)[rung];
      if (key === undefined) continue;
      const byKey = index.get(rung);
      const holders = byKey?.get(key);
      if (holders !== undefined) holders.push(item);
      else byKey?.set(key, [item]);
    }
  }
  return index;
}

/**
 * Resolves `newDevices` in order. A rung is used only when its key is held by exactly one
 * device of the page (`pageDevices`) and exactly one live record, and that record is neither
 * linked nor claimed by an earlier device of the page; otherwise the next rung is tried.
 */
export function resolveIdentities(
  newDevices: readonly LadderDevice[],
  pageDevices: readonly LadderDevice[],
  records: readonly LadderRecord[],
): LadderMatch[] {
  const pageIndex = countKeys(pageDevices, (d) => d);
  const recordIndex = countKeys(records, (r) => r.keys);
  const claimed = new Set<number>();
  return newDevices.map((device) => {
    for (const rung of LADDER_RUNGS) {
      const key = device[rung];
      if (key === undefined || (pageIndex.get(rung)?.get(key)?.length ?? 0) > 1) continue;
      const holders = recordIndex.get(rung)?.get(key) ?? [];
      const only = holders.length === 1 ? holders[0] : undefined;
      if (only === undefined || only.linked || claimed.has(only.id)) continue;
      claimed.add(only.id);
      return { sourceId: device.sourceId, rule: rung, recordId: only.id };
    }
    return { sourceId: device.sourceId, rule: 'new' };
  });
}
