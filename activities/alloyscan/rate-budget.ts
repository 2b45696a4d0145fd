/**
 * The request budget of one activity: a token bucket whose rate adapts to the site.
 *
 * - The workflow decides how many activities of a job run at once, so it hands each one its
 *   share of the job's requestsPerSecond (`ceiling`): the job's budget holds across any number
 *   of workers without them talking to each other.
 * - Burst: a tenth of a second's worth of tokens, so calls go out at once while there is
 *   budget (no timer per request) without ever exceeding a per-second workload limit.
 * - AIMD: a 429 pauses every call until its Retry-After. When the budget was in use (calls
 *   queue for it, or it sent at least half its rate in a second), a 429 also cuts the rate to
 *   ×0.7, at most once a second: Retry-After pauses alone pace a windowed limit in bursts
 *   (a full window, then a mostly idle one), at about two thirds of the limit.
 *   (Not to what the site admitted in the last second: a page that spent part of that second
 *   writing to the store would cut itself far below its share, again each second.) While
 *   calls succeed the rate creeps back up by a twentieth of the rate where the site said no,
 *   per second, never above the ceiling. The 429s met, and the calls sent over the time spent
 *   sending (Retry-After pauses included, store writes between batches not), go into the report.
 */
export interface RateBudgetOptions {
  /** Requests per second this activity may never exceed. */
  ceiling: number;
  /** Where to start (what an earlier activity of the run learned); default the ceiling. */
  start?: number | undefined;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface RateBudgetState {
  /** The rate now (requests per second). */
  rate: number;
  /** 429 answers met. */
  throttled: number;
  /** Calls sent through this budget, and the time from the first to the last (ms). */
  calls: number;
  ms: number;
}

const DECREASE = 0.7;
const BUSY = 0.5;
const INCREASE_PER_SECOND = 0.05;
const BURST_SECONDS = 0.1;
const MIN_RATE = 0.5;

export class RateBudget {
  readonly ceiling: number;
  #rate: number;
  #tokens: number;
  #refilledAt: number;
  #pausedUntil = 0;
  #lastCut = -Infinity;
  /** The rate at the last 429: the increase step is a fraction of it. */
  #knee: number | undefined;
  #throttled = 0;
  /** Calls sent per whole second of the clock. */
  readonly #sent: PerSecond;
  #calls = 0;
  #lastCall: number | undefined;
  /** Time spent sending: between calls, and waiting on this budget; not idle gaps (store writes). */
  #sendingMs = 0;
  /** Callers waiting for a token or for a Retry-After to pass. */
  #waiting = 0;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(opts: RateBudgetOptions) {
    if (!(opts.ceiling > 0)) throw new RangeError(`a rate ceiling must be positive (got ${opts.ceiling})`);
    this.ceiling = opts.ceiling;
    this.#rate = Math.min(opts.ceiling, Math.max(MIN_RATE, opts.start ?? opts.ceiling));
    // Started below the ceiling (an earlier activity met 429s): creep up from there too.
    if (this.#rate < this.ceiling) this.#knee = this.#rate;
    this.#now = opts.now ?? Date.now;
    this.#sent = new PerSecond(this.#now);
    this.#sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.#refilledAt = this.#now();
    this.#tokens = this.#burst();
  }

  get state(): RateBudgetState {
    return { rate: this.#rate, throttled: this.#throttled, calls: this.#calls, ms: this.#sendingMs };
  }

  /** Resolves when the caller may send its request (at once while the bucket has a token). */
  async acquire(): Promise<void> {
    const asked = this.#now();
    this.#refill();
    this.#sent.count();
    this.#tokens -= 1;
    let waitMs = this.#tokens < 0 ? (-this.#tokens / this.#rate) * 1000 : 0;
    waitMs = Math.max(waitMs, this.#pausedUntil - this.#now());
    if (waitMs > 0) {
      this.#waiting++;
      try {
        while (waitMs > 0) {
          await this.#sleep(waitMs);
          // A 429 met while this call waited pauses it too.
          waitMs = this.#pausedUntil - this.#now();
        }
      } finally {
        this.#waiting--;
      }
    }
    this.#countSending(asked, this.#now());
  }

  /**
   * From the last call to this one: the wait for a token or a Retry-After counts in full; the
   * time before anyone asked counts up to a short gap (twice the interval between calls, at
   * least 250 ms), so a page's store writes between batches do not pass for a slow site.
   */
  #countSending(asked: number, sent: number): void {
    this.#calls++;
    const last = this.#lastCall;
    this.#lastCall = sent;
    if (last === undefined) return;
    const idle = Math.max(0, asked - last);
    const waited = Math.max(0, sent - Math.max(asked, last));
    this.#sendingMs += Math.min(idle, Math.max(250, 2000 / this.#rate)) + waited;
  }

  /** The site answered 429: pause until Retry-After; cut the rate if it was what the site refused. */
  onThrottled(retryAfterMs: number | undefined): void {
    this.#throttled++;
    const now = this.#now();
    if (retryAfterMs !== undefined) this.#pausedUntil = Math.max(this.#pausedUntil, now + retryAfterMs);
    if (now - this.#lastCut < 1000) return;
    this.#refill();
    // In use: calls queue for it, or it sent at least half its rate lately. A 429 while a lone
    // caller sends far below the rate (latency-bound) is a fault or another client, not ours.
    if (this.#waiting === 0 && this.#sent.recent() < BUSY * this.#rate) return;
    this.#lastCut = now;
    this.#knee = this.#rate;
    this.#rate = Math.max(MIN_RATE, this.#rate * DECREASE);
    this.#tokens = Math.min(this.#tokens, 0);
  }

  #burst(): number {
    return Math.max(1, this.#rate * BURST_SECONDS);
  }

  /** Tokens for the time since the last refill; the rate creeps up when no 429 came for a second. */
  #refill(): void {
    const now = this.#now();
    const elapsed = (now - this.#refilledAt) / 1000;
    if (elapsed <= 0) return;
    this.#refilledAt = now;
    this.#tokens = Math.min(this.#burst(), this.#tokens + elapsed * this.#rate);
    if (this.#knee !== undefined && now - this.#lastCut >= 1000 && this.#rate < this.ceiling) {
      this.#rate = Math.min(this.ceiling, this.#rate + this.#knee * INCREASE_PER_SECOND * elapsed);
    }
  }
}

/** Events per whole second of the clock: this second's count and the last second's. */
class PerSecond {
  #second = 0;
  #current = 0;
  #previous = 0;
  constructor(private readonly now: () => number) {}

  count(): void {
    this.#roll();
    this.#current++;
  }

  /** The busier of this second and the last. */
  recent(): number {
    this.#roll();
    return Math.max(this.#current, this.#previous);
  }

  #roll(): void {
    const second = Math.floor(this.now() / 1000);
    if (second === this.#second) return;
    this.#previous = second === this.#second + 1 ? this.#current : 0;
    this.#second = second;
    this.#current = 0;
  }
}
