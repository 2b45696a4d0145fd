/**
 * Client-side rate limit: a spacing queue that lets one request start every 1000/rps ms (no
 * bursts, so a site's per-second and per-minute workload limits are both respected). One limiter
 * per App registration in the worker process, shared by every client of that registration.
 */
export class RateLimiter {
  private nextSlot = 0;
  private intervalMs: number;

  constructor(
    requestsPerSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.intervalMs = 1000 / requestsPerSecond;
  }

  /** Changes the rate for requests that have not been given a slot yet. */
  setRate(requestsPerSecond: number): void {
    this.intervalMs = 1000 / requestsPerSecond;
  }

  /** Resolves when the caller may start its request. */
  async acquire(): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.intervalMs;
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  }
}

const limiters = new Map<string, RateLimiter>();

/** The registration's shared limiter, set to the rate of the latest client created for it. */
export function sharedRateLimiter(key: string, requestsPerSecond: number): RateLimiter {
  const limiter = limiters.get(key) ?? new RateLimiter(requestsPerSecond);
  limiter.setRate(requestsPerSecond);
  limiters.set(key, limiter);
  return limiter;
}
