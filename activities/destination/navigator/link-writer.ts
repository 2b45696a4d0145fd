/**
 * How the push commits what a call did without one store transaction per record: link writes
 * and counters queue up and go in one transaction with whatever else finished meanwhile (a
 * group commit: while one commits, the next group gathers). `save` resolves once its link is
 * committed, so a create's link is still written after its answer and before the record counts
 * as done; a write that fails rejects every caller of its group.
 *
 * `withClaims` runs the matching of a device and its adoption claim one job at a time in this
 * process (pages push concurrently; two devices must never claim the same record).
 */
import type { LinkWrite } from '../../store/link-repository';
import type { RunNavigatorStats, SyncStore } from '../../store/store-types';

type Waiter = { resolve: () => void; reject: (err: unknown) => void };

export class LinkWriter {
  private links: LinkWrite[] = [];
  private stats: Partial<RunNavigatorStats> = {};
  private waiting: Waiter[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: SyncStore,
    private readonly jobId: string,
    private readonly runId: string,
  ) {}

  /** Queue a link write; resolves when it is committed. */
  save(link: LinkWrite): Promise<void> {
    this.links.push(link);
    return this.commit();
  }

  /** Add to the run's counters, committed with the next group (or `close`). */
  count(d: Partial<RunNavigatorStats>): void {
    for (const [k, v] of Object.entries(d) as [keyof RunNavigatorStats, number | undefined][])
      if (v) this.stats[k] = (this.stats[k] ?? 0) + v;
  }

  /** Commit what is queued (counters included) and wait for every group in flight. */
  async close(): Promise<void> {
    if (this.links.length > 0 || Object.keys(this.stats).length > 0) await this.commit();
    await this.running;
  }

  private commit(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.running ??= this.loop();
    });
  }

  private async loop(): Promise<void> {
    while (this.waiting.length > 0) {
      const { links, stats, waiting } = this;
      this.links = [];
      this.stats = {};
      this.waiting = [];
      try {
        await this.store.navigator.saveLinks(this.jobId, this.runId, links, stats);
        for (const w of waiting) w.resolve();
      } catch (err) {
        for (const w of waiting) w.reject(err);
      }
    }
    this.running = undefined;
  }
}

const claimQueues = new Map<string, Promise<unknown>>();

/** Run `fn` after every earlier `withClaims` of the job (in this process) has finished. */
export function withClaims<T>(jobId: string, fn: () => Promise<T>): Promise<T> {
  const before = claimQueues.get(jobId) ?? Promise.resolve();
  const mine = before.then(fn, fn);
  const tail = mine.catch(() => undefined);
  claimQueues.set(jobId, tail);
  void tail.then(() => {
    if (claimQueues.get(jobId) === tail) claimQueues.delete(jobId);
  });
  return mine;
}
