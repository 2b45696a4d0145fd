/**
 * Per-site traffic meter: requests received, admitted and rejected by the workload limit in
 * each wall-clock second, so a test can measure a client's real request rate from the
 * site's side. Always on, so it must stay O(1) per request with bounded memory: a ring of
 * the last HISTORY_SECONDS seconds in typed arrays (no allocation per request).
 */

/** Seconds of history kept (one hour). */
export const HISTORY_SECONDS = 3600;

export interface TrafficSecond {
  /** Epoch second (Unix time, seconds). */
  at: number;
  received: number;
  admitted: number;
  rejected: number;
}

export interface TrafficReport {
  /** Seconds of the last hour with at least one request, oldest first. */
  seconds: TrafficSecond[];
  /** Since the site was created or the meter reset, not limited to the last hour. */
  totals: { received: number; admitted: number; rejected429: number };
}

export class TrafficMeter {
  // Slot s holds the epoch second at[s]; -1 = never used since the last reset.
  private readonly at = new Float64Array(HISTORY_SECONDS).fill(-1);
  private readonly admitted = new Uint32Array(HISTORY_SECONDS);
  private readonly rejected = new Uint32Array(HISTORY_SECONDS);
  private totalAdmitted = 0;
  private totalRejected = 0;

  /** Records one request received at `nowMs`; every received request is admitted or rejected. */
  record(nowMs: number, wasAdmitted: boolean): void {
    const second = Math.floor(nowMs / 1000);
    const slot = second % HISTORY_SECONDS;
    if (this.at[slot] !== second) {
      this.at[slot] = second;
      this.admitted[slot] = 0;
      this.rejected[slot] = 0;
    }
    if (wasAdmitted) {
      this.admitted[slot] = (this.admitted[slot] ?? 0) + 1;
      this.totalAdmitted++;
    } else {
      this.rejected[slot] = (this.rejected[slot] ?? 0) + 1;
      this.totalRejected++;
    }
  }

  report(nowMs: number): TrafficReport {
    const oldest = Math.floor(nowMs / 1000) - HISTORY_SECONDS + 1;
    const seconds: TrafficSecond[] = [];
    for (let slot = 0; slot < HISTORY_SECONDS; slot++) {
      const at = this.at[slot] ?? -1;
      if (at < oldest) continue;
      const admitted = this.admitted[slot] ?? 0;
      const rejected = this.rejected[slot] ?? 0;
      seconds.push({ at, received: admitted + rejected, admitted, rejected });
    }
    seconds.sort((a, b) => a.at - b.at);
    const received = this.totalAdmitted + this.totalRejected;
    return {
      seconds,
      totals: { received, admitted: this.totalAdmitted, rejected429: this.totalRejected },
    };
  }

  reset(): void {
    this.at.fill(-1);
    this.totalAdmitted = 0;
    this.totalRejected = 0;
  }
}
