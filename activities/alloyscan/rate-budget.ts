/**
 * The request budget of one activity: a token bucket whose rate adapts to the site.
 *
 * - The workflow decides how many activities of a job run at once, so it hands each one its
 *   share of the job's requestsPerSecond (`ceiling`): the job's budget holds across any number
 *   of workers without them talking to each other.
 * - Burst: a tenth of a second's worth of tokens, so calls go out at once while there is
 *   budget (no timer per request) without ever exceeding a per-second workload limit.
 * - AIMD: a 429 cuts the rate (×0.7, or to what the site admitted in the last second when
 *   that is lower), at most once a second, and pauses every call until its Retry-After; while
 *   calls succeed the rate creeps back up by a twentieth of the rate where the site said no,
 *   per second, never above the ceiling. The rate reached and the 429s met go into the report.
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
}

const DECREASE = 0.7;
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
  /** Successful calls per whole second of the clock, this second and the last. */
  #admitted = { second: 0, count: 0, previous: 0 };
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(opts: RateBudgetOptions) {
    if (!(opts.ceiling > 0)) throw new RangeError(`a rate ceiling must be positive (got ${opts.ceiling})`);
    this.ceiling = opts.ceiling;
    this.#rate = Math.min(opts.ceiling, Math.max(MIN_RATE, opts.start ?? opts.ceiling));
    // Started below the ceiling (an earlier activity met 429s): creep up from there too.
    if (this.#rate < this.ceiling) this.#knee = this.#rate;
    this.#now = opts.now ?? Date.now;
    this.#sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.#refilledAt = this.#now();
    this.#tokens = this.#burst();
  }

  get state(): RateBudgetState {
    return { rate: this.#rate, throttled: this.#throttled };
  }

  /** Resolves when the caller may send its request (at once while the bucket has a token). */
  async acquire(): Promise<void> {
    this.#refill();
    this.#tokens -= 1;
    let waitMs = this.#tokens < 0 ? (-this.#tokens / this.#rate) * 1000 : 0;
    waitMs = Math.max(waitMs, this.#pausedUntil - this.#now());
    while (waitMs > 0) {
      await this.#sleep(waitMs);
      // A 429 met while this call waited pauses it too.
      waitMs = this.#pausedUntil - this.#now();
    }
  }

  /** The site answered (not 429): the rate creeps back up. */
  onAdmitted(): void {
    const second = Math.floor(this.#now() / 1000);
    const a = this.#admitted;
    if (second !== a.second) {
      a.previous = second === a.second + 1 ? a.count : 0;
      a.second = second;
      a.count = 0;
    }
    a.count++;
  }

  /** The site answered 429: cut the rate (once a second) and pause until Retry-After. */
  onThrottled(retryAfterMs: number | undefined): void {
    this.#throttled++;
    const now = this.#now();
    if (retryAfterMs !== undefined) this.#pausedUntil = Math.max(this.#pausedUntil, now + retryAfterMs);
    if (now - this.#lastCut < 1000) return;
    this.#refill();
    this.#lastCut = now;
    this.#knee = this.#rate;
    const admitted = this.#admittedLastSecond();
    const cut = this.#rate * DECREASE;
    this.#rate = Math.max(MIN_RATE, admitted > 0 ? Math.min(cut, admitted) : cut);
    this.#tokens = Math.min(this.#tokens, 0);
  }

  #admittedLastSecond(): number {
    const second = Math.floor(this.#now() / 1000);
    const a = this.#admitted;
    if (second === a.second) return a.previous;
    return second === a.second + 1 ? a.count : 0;
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
