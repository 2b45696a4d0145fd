/**
 * The live device range of a site: indices [0, generated) minus a deleted overlay, plus a
 * reaudit-generation overlay. Both overlays are sized by the number of mutations, never
 * by the site size. Listing order is index order.
 */
import type { Inventory } from './inventory';
import { softwareAt } from './snapshots';

export type DeviceFilter = (index: number) => boolean;

export class DeviceStore {
  private generated: number;
  private readonly deleted = new Set<number>();
  private sortedDeleted: number[] | undefined;
  private readonly gens = new Map<number, number>();
  private installCounts: Int32Array | undefined;

  constructor(
    private readonly inv: Inventory,
    initial: number,
  ) {
    this.generated = initial;
  }

  /** Number of live devices. */
  get size(): number {
    return this.generated - this.deleted.size;
  }

  /** Reaudit generation of a device (0 = never reaudited). */
  genOf(index: number): number {
    return this.gens.get(index) ?? 0;
  }

  isLive(index: number): boolean {
    return index >= 0 && index < this.generated && !this.deleted.has(index);
  }

  /** Index of a live device id, else undefined (O(1)). */
  indexOf(id: string): number | undefined {
    const index = this.inv.deviceIndex(id);
    return index !== undefined && this.isLive(index) ? index : undefined;
  }

  add(n: number): number[] {
    const first = this.generated;
    this.generated += n;
    this.installCounts = undefined;
    return Array.from({ length: n }, (_, k) => first + k);
  }

  /** False when the device was already absent. */
  delete(index: number): boolean {
    if (!this.isLive(index)) return false;
    this.deleted.add(index);
    this.gens.delete(index);
    this.sortedDeleted = undefined;
    this.installCounts = undefined;
    return true;
  }

  /** Brings a deleted device back as it was generated (false when it was not deleted). */
  restore(index: number): boolean {
    if (!this.deleted.delete(index)) return false;
    this.sortedDeleted = undefined;
    this.installCounts = undefined;
    return true;
  }

  reaudit(index: number): void {
    if (!this.isLive(index)) return;
    this.gens.set(index, this.genOf(index) + 1);
    this.installCounts = undefined;
  }

  /** Live indices in list order, starting at live position `offset`. */
  *live(offset = 0): Generator<number> {
    for (let i = this.nthLive(offset); i < this.generated; i++) if (!this.deleted.has(i)) yield i;
  }

  /** One page of live indices (optionally filtered) and the total matching. */
  page(offset: number, limit: number, filter?: DeviceFilter): { indices: number[]; total: number } {
    if (!filter) {
      const indices: number[] = [];
      if (offset < this.size) {
        for (const i of this.live(offset)) {
          if (indices.length >= limit) break;
          indices.push(i);
        }
      }
      return { indices, total: this.size };
    }
    const indices: number[] = [];
    let total = 0;
    for (const i of this.live()) {
      if (!filter(i)) continue;
      if (total >= offset && indices.length < limit) indices.push(i);
      total++;
    }
    return { indices, total };
  }

  count(filter?: DeviceFilter): number {
    if (!filter) return this.size;
    let n = 0;
    for (const i of this.live()) if (filter(i)) n++;
    return n;
  }

  /** Installations per product index over all live devices (cached until the next mutation). */
  installationsOf(product: number): number {
    if (!this.installCounts) {
      const counts = new Int32Array(this.inv.opts.catalogSize);
      for (const i of this.live()) {
        for (const item of softwareAt(this.inv, i, this.genOf(i)))
          counts[item.product] = (counts[item.product] ?? 0) + 1;
      }
      this.installCounts = counts;
    }
    return this.installCounts[product] ?? 0;
  }

  /** The index of the live device at live position k: O(deleted). */
  private nthLive(k: number): number {
    this.sortedDeleted ??= [...this.deleted].sort((a, b) => a - b);
    let index = k;
    for (const d of this.sortedDeleted) {
      if (d <= index) index++;
      else break;
    }
    return index;
  }
}
