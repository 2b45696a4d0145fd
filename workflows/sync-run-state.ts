/**
 * The sync run's state, changed only through its methods: the phase, the authenticate step's
 * result, the pass's checkpoint (carried across continue-as-new), pages in flight, and a
 * pending force. Answers the progress query.
 */
import { addTotals, emptyTotals } from '../common/counts';
import type { DevicePageOutput } from '../activities/device-page';
import type {
  AuthResult,
  ForceSignal,
  PageRequest,
  PassRate,
  RateShare,
  RateUsed,
  SyncCheckpoint,
  SyncProgress,
  SyncRunInput,
} from '../common/sync-types';
import { estimatedPages, isComplete, newPlanner, nextPage, pageDone, pagesLeft } from './page-planner';

/** Re-list sweeps after the pass at most, while the list keeps moving under them. */
export const MAX_SWEEPS = 3;

export type Phase = SyncProgress['phase'];

export class SyncRunState {
  #phase: Phase = 'authenticate';
  #auth: AuthResult | undefined;
  #checkpoint: SyncCheckpoint | undefined;
  #pendingForce: ForceSignal | undefined;
  #inFlight = 0;

  constructor(
    input: SyncRunInput,
    readonly runId: string,
    readonly startedAt: string,
  ) {
    this.#auth = input.auth;
    this.#pendingForce = input.pendingForce;
  }

  get phase(): Phase {
    return this.#phase;
  }
  get auth(): Readonly<AuthResult> | undefined {
    return this.#auth;
  }
  /** The pass's checkpoint, once the pass has begun. */
  get checkpoint(): Readonly<SyncCheckpoint> | undefined {
    return this.#checkpoint;
  }
  get pendingForce(): Readonly<ForceSignal> | undefined {
    return this.#pendingForce;
  }

  enter(phase: Phase): void {
    this.#phase = phase;
  }

  /** The authenticate step's result; a catalog that changed software groups makes the pass full. */
  authenticated(auth: AuthResult, fullReason?: string): void {
    this.#auth = fullReason && !auth.full ? { ...auth, full: true, fullReason } : auth;
  }

  /** A fresh pass over `total` devices, with what the steps before it counted. */
  beginPass(
    pageSize: number,
    total: number,
    before: Pick<SyncCheckpoint, 'catalog'> & Partial<SyncCheckpoint>,
  ): void {
    this.#checkpoint = { ...emptyTotals(), pagesDone: 0, planner: newPlanner(pageSize, total), ...before };
  }

  /** Carry on with the checkpoint of an earlier execution (continue-as-new). */
  resume(cp: SyncCheckpoint): void {
    this.#checkpoint = cp;
  }

  /** The listing sweep being read: 0 the pass, 1… re-list sweeps. */
  get sweep(): number {
    return this.#checkpoint?.sweep ?? 0;
  }

  /**
   * The listing just read moved (its total changed, or a page came back empty below it): an
   * offset shift may have hidden devices, so the list is read again (a bounded number of times).
   */
  needsSweep(): boolean {
    const cp = this.#pass();
    return this.sweep < MAX_SWEEPS && !isComplete(cp.planner);
  }

  /** Read the whole list again from offset 0; only devices new to the run are processed. */
  beginSweep(pageSize: number): void {
    const cp = this.#pass();
    cp.sweep = this.sweep + 1;
    cp.foundBySweeps ??= 0;
    cp.sweepGone = 0;
    cp.planner = newPlanner(pageSize, cp.planner.total);
  }

  /** The next page to read, counted as in flight; undefined when every offset was handed out. */
  takePage(): PageRequest | undefined {
    const req = nextPage(this.#pass().planner);
    if (req) this.#inFlight++;
    return req;
  }

  /**
   * A page's share of the job's request rate when it starts: runs of a job never overlap, so
   * the job's rate split among the pages that will run at once (at most `pages`, fewer when
   * fewer are left) keeps the whole job within it on any number of workers. A page starts
   * where the pages before it left the budget, in the same proportion.
   */
  rateShare(rps: number, pages: number): RateShare {
    const rate = this.#rate(rps);
    const atOnce = Math.max(1, Math.min(pages, this.#inFlight + pagesLeft(this.#pass().planner)));
    return { ceiling: rps / atOnce, start: rate.budget / atOnce };
  }

  /** The share of a page running now (the `rateShare` query): the job's rate over the pages in flight. */
  currentShare(rps: number): number {
    return rps / Math.max(1, this.#inFlight);
  }

  /**
   * A page's result: the planner learns what the site returned (`learnCap`: the site's page
   * size too), the pass adds its totals and what the page learned of the rate.
   */
  applyPage(req: PageRequest, res: DevicePageOutput, rps: number, pages: number, learnCap = false): void {
    const cp = this.#pass();
    pageDone(cp.planner, req, res.received, res.total, learnCap);
    addTotals(cp, res);
    if (cp.sweep) cp.foundBySweeps = (cp.foundBySweeps ?? 0) + res.counts.listed;
    cp.sweepGone = (cp.sweepGone ?? 0) + (res.counts.gone ?? 0);
    cp.pagesDone++;
    this.#inFlight--;
    const rate = this.#rate(rps);
    rate.calls += res.apiCalls;
    if (res.rate) learnRate(rate, res.rate, rps, pages);
  }

  /** Workflow time spent in the inventory pass (over continue-as-new executions). */
  passTime(ms: number, rps: number): void {
    this.#rate(rps).ms += ms;
  }

  #rate(rps: number): PassRate {
    const cp = this.#pass();
    // The job's budget starts where its last run left it (a fact of the job, from the run log).
    cp.rate ??= { budget: Math.min(rps, this.#auth?.learnedRate ?? rps), throttled: 0, calls: 0, ms: 0 };
    return cp.rate;
  }

  /** Coalesce forces: any number of them while running gives one follow-up pass. */
  force(f: ForceSignal): void {
    const prev = this.#pendingForce ?? {};
    this.#pendingForce = { full: true, confirmMissing: !!prev.confirmMissing || !!f.confirmMissing };
  }

  progress(): SyncProgress {
    const cp = this.#checkpoint;
    const c = cp?.counts;
    return {
      phase: this.#phase,
      pagesDone: cp?.pagesDone ?? 0,
      pagesInFlight: this.#inFlight,
      pagesTotal: cp ? estimatedPages(cp.planner, cp.pagesDone + this.#inFlight) : 0,
      devicesWritten: c ? c.added + c.updated : 0,
      installationsWritten: c ? c.installationsAdded + c.installationsUpdated + c.installationsRemoved : 0,
      pendingForce: this.#pendingForce !== undefined,
      pass: this.#auth && { full: this.#auth.full, reason: this.#auth.fullReason },
    };
  }

  #pass(): SyncCheckpoint {
    if (!this.#checkpoint) throw new Error('the inventory pass has not begun');
    return this.#checkpoint;
  }
}

/**
 * What a page learned of the job's rate: its final rate as a fraction of the share it had
 * (older results: of 1/pages), applied to the job. The budget is the lower median of the last
 * few pages' figures (up to `pages` of them: the pages that ran together), so one page that
 * ended far from the others does not set it: not one cut hard by a retried attempt's first
 * calls, and not a lone last page that crept up to the whole rate without a 429 (it would
 * pass its guess off as the site's limit). Also its 429s and calls; and the wall time of its
 * first and last call, which bounds the pass as the site saw it.
 */
function learnRate(rate: PassRate, used: RateUsed, rps: number, pages: number): void {
  const jobRate = (r: number): number => (used.ceiling ? (r / used.ceiling) * rps : r * pages);
  rate.recent = [...(rate.recent ?? []), jobRate(used.rate)].slice(-Math.max(1, pages));
  const sorted = [...rate.recent].sort((x, y) => x - y);
  rate.budget = Math.min(rps, sorted[Math.floor((sorted.length - 1) / 2)]!);
  rate.throttled += used.throttled;
  rate.pageCalls = (rate.pageCalls ?? 0) + (used.calls ?? 0);
  rate.pageMs = (rate.pageMs ?? 0) + (used.ms ?? 0);
  if (used.firstAt !== undefined) rate.firstAt = Math.min(rate.firstAt ?? Infinity, used.firstAt);
  if (used.lastAt !== undefined) rate.lastAt = Math.max(rate.lastAt ?? -Infinity, used.lastAt);
}
