/**
 * A site that changes while it is read: devices added and deleted on cue of the device-list
 * calls, as a large site changes during a long run. Set with `site.setChurn()` or the admin
 * route `PUT /admin/sites/:site/churn`; `churnLog()` (`GET …/churn`) tells a test exactly
 * which devices were added and deleted.
 *
 * - `afterListCalls` + `add` / `deleteFirst`: once, right after the Nth list call (counted
 *   from when the churn was set) has been answered, `add` devices join the end of the list
 *   and `deleteFirst.count` devices spread evenly over the first `deleteFirst.within` live
 *   positions are deleted (an offset shift for every page not read yet).
 * - `deleteListedRate`: each device a list call returns is deleted right after the answer
 *   with this probability (a pure function of the site seed and the device), so it is gone
 *   between its listing and its detail.
 */
import { z } from 'zod';
import type { DeviceStore } from './device-store';
import type { Inventory } from './inventory';
import { unit3 } from './prng';
import { parseWith } from './validate';

export const churnOptionsSchema = z.strictObject({
  afterListCalls: z.number().int().min(1).optional(),
  add: z.number().int().min(0).max(1_000_000).optional(),
  deleteFirst: z
    .strictObject({ count: z.number().int().min(0), within: z.number().int().min(1) })
    .refine((d) => d.count <= d.within, 'count must not exceed within')
    .optional(),
  deleteListedRate: z.number().min(0).max(1).optional(),
});
export type ChurnOptions = z.input<typeof churnOptionsSchema>;

export interface ChurnLog {
  listCalls: number;
  /** Whether the one-time change (`afterListCalls`) has happened. */
  fired: boolean;
  added: string[];
  deleted: string[];
}

/** Salt of the per-device draw of `deleteListedRate`. */
const LISTED_SALT = 0x9d17;

export class Churn {
  private opts: z.output<typeof churnOptionsSchema> = {};
  private log: ChurnLog = { listCalls: 0, fired: false, added: [], deleted: [] };

  constructor(
    private readonly inv: Inventory,
    private readonly store: DeviceStore,
  ) {}

  /** Replaces the churn (not a merge; {} = none) and starts a fresh log. */
  set(input: ChurnOptions): void {
    this.opts = parseWith(churnOptionsSchema, 'churn options', input);
    this.log = { listCalls: 0, fired: false, added: [], deleted: [] };
  }

  report(): ChurnLog {
    return { ...this.log, added: [...this.log.added], deleted: [...this.log.deleted] };
  }

  /** Called after a device-list call was answered with these device indices. */
  afterList(indices: readonly number[]): void {
    this.log.listCalls++;
    const rate = this.opts.deleteListedRate ?? 0;
    if (rate > 0) {
      for (const i of indices) if (unit3(this.inv.seed, i, LISTED_SALT) < rate) this.delete(i);
    }
    const after = this.opts.afterListCalls;
    if (after !== undefined && !this.log.fired && this.log.listCalls >= after) {
      this.log.fired = true;
      this.deleteFirst();
      for (const i of this.store.add(this.opts.add ?? 0)) this.log.added.push(this.inv.deviceId(i));
    }
  }

  private deleteFirst(): void {
    const d = this.opts.deleteFirst;
    if (!d || d.count === 0) return;
    const first: number[] = [];
    for (const i of this.store.live()) {
      if (first.length >= d.within) break;
      first.push(i);
    }
    const chosen = new Set<number>();
    for (let k = 0; k < d.count; k++) {
      const i = first[Math.floor((k * first.length) / d.count)];
      if (i !== undefined) chosen.add(i);
    }
    for (const i of chosen) this.delete(i);
  }

  private delete(index: number): void {
    if (this.store.delete(index)) this.log.deleted.push(this.inv.deviceId(index));
  }
}
