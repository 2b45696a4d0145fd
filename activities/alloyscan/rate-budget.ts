/**
 * The request budget of one activity: a token bucket whose rate adapts to the site.
 *
 * - The workflow decides how many activities of a job run at once, so it hands each one its
 *   share of the job's requestsPerSecond (`ceiling`): the job's budget holds across any number
 *   of workers without them talking to each other. The share follows the pages in flight
 *   (`setCeiling`): a page left alone gets the whole rate, and keeps what it learned in
 *   proportion.
 * - Burst: a tenth of a second's worth of tokens, so calls go out at once while there is
 *   budget (no timer per request) without ever exceeding a per-second workload limit.
 * - A 429 tells a rate limit from noise. Evidence that our rate is too high: two 429s in a
 *   row (no other answer between), or at least three in the last second making a quarter of
 *   the calls. Only then does every call wait out Retry-After and the rate drop to 0.85× the
 *   rate in use (the budget's while calls queue for it or before it sent past its burst, else
 *   its calls per second over its last second of sending, idle gaps left out), at most once a
 *   second, and never below half the budget's rate in one cut. The pause of a per-second limit
 *   ends with the clock's second (Retry-After rounds the window's end up to a whole second). A
 *   Retry-After of 2 s or more names a window (a per-minute limit): every call waits for it,
 *   the rate stays. After any other 429 one call goes out alone (a probe) until an answer
 *   comes: a success says it was noise (another client's load, a quota hiccup), and calls go on
 *   at the same rate while the refused one is sent again after its own Retry-After; a 429 is the second in a row, evidence of a limit. A probe costs one
 *   round trip, and keeps a page's calls in flight from all meeting a full window.
 * - While calls succeed the rate creeps back up by a twentieth of the rate where the site said
 *   no, per second, never above the ceiling. The 429s met, the calls sent, the time spent
 *   sending (Retry-After pauses included, store writes between batches not) and the wall
 *   time of the first and last call go into the report.
 */
import { PerSecond } from './per-second';

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
  /** Epoch ms of the first and the last call sent (absent before the first). */
  firstAt?: number | undefined;
  lastAt?: number | undefined;
}

const DECREASE = 0.85;
const INCREASE_PER_SECOND = 0.05;
const BURST_SECONDS = 0.1;
const MIN_RATE = 0.5;
/** A cut keeps at least this share of the rate: one second's evidence never costs more. */
const MAX_CUT = 0.5;
/** Evidence of our rate: 429s in a row, or this many in a second making this share of the calls. */
const STREAK = 2;
const CLUSTER = 3;
const CLUSTER_SHARE = 0.25;
/** How often callers held behind a probe look again. */
const PROBE_POLL_MS = 5;
/** After the clock's second ends, before calls go out again (clocks of site and worker differ a little). */
const SECOND_MARGIN_MS = 20;
/** A Retry-After this long names a window (a per-minute limit): everyone waits, the rate stays. */
const WINDOW_MS = 2000;

export class RateBudget {
  #ceiling: number;
  #rate: number;
  #tokens: number;
  #refilledAt: number;
  #pausedUntil = 0;
  #lastCut = -Infinity;
  /** The rate at the last 429: the increase step is a fraction of it. */
  #knee: number | undefined;
  #throttled = 0;
  /** 429s since the last other answer, and the times of the 429s of the last second. */
  #streak = 0;
  #recent429: number[] = [];
  #firstAt: number | undefined;
  /** After an isolated 429: one call at a time (the probe) until an answer comes. */
  #probing = false;
  #probeOut = false;
  /** Calls sent per whole second of the clock. */
  readonly #sent: PerSecond;
  #calls = 0;
  #lastCall: number | undefined;
  /** Time spent sending: between calls, and waiting on this budget; not idle gaps (store writes). */
  #sendingMs = 0;
  /** `#sendingMs` at each call of the last second of sending time (from `#windowHead` on). */
  #window: number[] = [];
  #windowHead = 0;
  /** `#sendingMs` at this budget's own first call (an earlier attempt's time is carried in). */
  #firstOwn: number | undefined;
  /** Callers waiting for a token or for a Retry-After to pass. */
  #waiting = 0;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(opts: RateBudgetOptions) {
    if (!(opts.ceiling > 0)) throw new RangeError(`a rate ceiling must be positive (got ${opts.ceiling})`);
    this.#ceiling = opts.ceiling;
    this.#rate = Math.min(opts.ceiling, Math.max(MIN_RATE, opts.start ?? opts.ceiling));
    // Started below the ceiling (an earlier activity met 429s): creep up from there too.
    if (this.#rate < this.#ceiling) this.#knee = this.#rate;
    this.#now = opts.now ?? Date.now;
    this.#sent = new PerSecond(this.#now);
    this.#sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.#refilledAt = this.#now();
    this.#tokens = this.#burst();
  }

  get ceiling(): number {
    return this.#ceiling;
  }

  get state(): RateBudgetState {
    const { firstAt, lastAt } = { firstAt: this.#firstAt, lastAt: this.#lastCall };
    return {
      rate: this.#rate,
      throttled: this.#throttled,
      calls: this.#calls,
      ms: this.#sendingMs,
      firstAt,
      lastAt,
    };
  }

  /**
   * A new share of the job's rate (pages in flight changed): the rate moves in proportion, so
   * what was learned of the site holds for the job as a whole.
   */
  setCeiling(ceiling: number): void {
    if (!(ceiling > 0) || ceiling === this.#ceiling) return;
    this.#refill();
    const scale = ceiling / this.#ceiling;
    this.#ceiling = ceiling;
    this.#rate = Math.min(ceiling, Math.max(MIN_RATE, this.#rate * scale));
    if (this.#knee !== undefined) this.#knee *= scale;
    this.#tokens = Math.min(this.#tokens, this.#burst());
  }

  /** Adds what earlier attempts of the same activity sent and met, so the report has them all. */
  carry(earlier: RateBudgetState): void {
    this.#throttled += earlier.throttled;
    this.#calls += earlier.calls;
    this.#sendingMs += earlier.ms;
    this.#firstAt = earlier.firstAt;
  }

  /** Resolves when the caller may send its request (at once while the bucket has a token). */
  async acquire(): Promise<void> {
    const asked = this.#now();
    this.#refill();
    this.#sent.count();
    this.#tokens -= 1;
    let waitMs = this.#tokens < 0 ? (-this.#tokens / this.#rate) * 1000 : 0;
    waitMs = Math.max(waitMs, this.#holdMs());
    if (waitMs > 0) {
      this.#waiting++;
      try {
        while (waitMs > 0) {
          await this.#sleep(waitMs);
          // A 429 met while this call waited pauses it too.
          waitMs = this.#holdMs();
        }
      } finally {
        this.#waiting--;
      }
    }
    if (this.#probing) this.#probeOut = true;
    this.#countSending(asked, this.#now());
  }

  /**
   * From the last call to this one: the wait for a token or a Retry-After counts in full; the
   * time before anyone asked counts up to a short gap (twice the interval between calls, at
   * least 250 ms), so a page's store writes between batches do not pass for a slow site.
   */
  #countSending(asked: number, sent: number): void {
    this.#calls++;
    this.#firstAt ??= sent;
    this.#firstOwn ??= this.#sendingMs;
    const last = this.#lastCall;
    this.#lastCall = sent;
    if (last !== undefined) {
      const idle = Math.max(0, asked - last);
      const waited = Math.max(0, sent - Math.max(asked, last));
      this.#sendingMs += Math.min(idle, Math.max(250, 2000 / this.#rate)) + waited;
    }
    this.#window.push(this.#sendingMs);
    while (this.#sendingMs - this.#window[this.#windowHead]! > 1000) this.#windowHead++;
    if (this.#windowHead > 1024) {
      this.#window = this.#window.slice(this.#windowHead);
      this.#windowHead = 0;
    }
  }

  /**
   * The calls of the last second of sending time: the clock's last second, with idle gaps (a
   * store write between batches) cut out, so the burst after one is not taken for a slow rate.
   * Before this budget has sent for a second, what it sent so far (against a per-second limit,
   * about what the site let through), but only past its first burst: a page just started or
   * a retried attempt sends its list call, then a probe, and two calls say nothing of its rate.
   */
  #sendRate(): number | undefined {
    const n = this.#window.length - this.#windowHead;
    const early = this.#firstOwn === undefined || this.#sendingMs - this.#firstOwn < 1000;
    if (early && n <= this.#burst()) return undefined;
    return Math.max(1, n);
  }

  /** Until a pause ends, or while a probe after an isolated 429 awaits its answer. */
  #holdMs(): number {
    const paused = this.#pausedUntil - this.#now();
    return Math.max(paused, this.#probing && this.#probeOut ? PROBE_POLL_MS : 0);
  }

  /** The site answered something other than 429 (or the call failed without an answer): a run of 429s is broken. */
  onAnswered(): void {
    this.#streak = 0;
    this.#probing = false;
    this.#probeOut = false;
  }

  /** The site answered 429: an isolated one is counted; evidence of our rate pauses everyone and cuts the rate. */
  onThrottled(retryAfterMs: number | undefined): void {
    this.#throttled++;
    this.#streak++;
    const now = this.#now();
    this.#recent429 = this.#recent429.filter((t) => now - t < 1000);
    this.#recent429.push(now);
    const pause = (): void => {
      if (retryAfterMs !== undefined) this.#pausedUntil = Math.max(this.#pausedUntil, now + retryAfterMs);
    };
    this.#probeOut = false;
    if (retryAfterMs !== undefined && retryAfterMs >= WINDOW_MS) return pause();
    // Noise or a limit? One call goes out alone until an answer says (a success: noise).
    this.#probing = !this.#ourRate();
    if (this.#probing) return;
    // A Retry-After of whole seconds rounds up the end of the site's one-second window: a
    // pause to the clock's next second (not a whole second from now) uses the next window in full.
    const secondEnd = Math.ceil((now + 1) / 1000) * 1000 + SECOND_MARGIN_MS;
    this.#pausedUntil = Math.max(this.#pausedUntil, Math.min(now + (retryAfterMs ?? 0), secondEnd));
    if (now - this.#lastCut < 1000) return;
    this.#refill();
    // From the rate in use: the budget's while calls queue for it; else what it sent over its
    // last second of sending (latency-bound pages send below their budget, and a cut above that
    // would change nothing; idle gaps between batches are not counted, or a page back from a
    // store write would take its first few calls for its rate and cut itself to almost nothing).
    // A budget that has sent no more than its first burst (a new page, a retried attempt: one
    // list call and its probe) has no such measure; and no one cut takes more than half, so a
    // bad measure costs the page a few seconds, not the rest of the run.
    const sent = this.#waiting > 0 ? undefined : this.#sendRate();
    const used = Math.max(this.#rate * MAX_CUT, Math.min(this.#rate, sent ?? this.#rate));
    this.#lastCut = now;
    this.#knee = used;
    this.#rate = Math.max(MIN_RATE, used * DECREASE);
    this.#tokens = Math.min(this.#tokens, 0);
  }

  /** 429s in a row, or a cluster of them in the last second: the site refuses our rate, not at random. */
  #ourRate(): boolean {
    if (this.#streak >= STREAK) return true;
    const n = this.#recent429.length;
    return n >= CLUSTER && n >= CLUSTER_SHARE * this.#sent.recent();
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
    if (this.#knee !== undefined && now - this.#lastCut >= 1000 && this.#rate < this.#ceiling) {
      this.#rate = Math.min(this.#ceiling, this.#rate + this.#knee * INCREASE_PER_SECOND * elapsed);
    }
  }
}
