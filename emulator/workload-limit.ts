/**
 * AlloyScan's hard workload limits (release 25.14+): per site, at most `perSecond` requests
 * in one wall-clock second and `perMinute` in one wall-clock minute, token requests
 * included. Over either, the request is answered 429 and does not count against the window.
 */
import { z } from 'zod';
import { parseWith } from './validate';

export const workloadLimitSchema = z.strictObject({
  /** Requests admitted per wall-clock second; undefined = no per-second limit. */
  perSecond: z.number().int().positive().optional(),
  /** Requests admitted per wall-clock minute; undefined = no per-minute limit. */
  perMinute: z.number().int().positive().optional(),
  /** Send Retry-After on a rejection (default true; the docs call the header deployment-specific). */
  retryAfter: z.boolean().optional(),
});
export type WorkloadLimit = z.input<typeof workloadLimitSchema>;

/** Validates a workload limit (throws a readable Error naming the field). */
export function parseWorkloadLimit(input: unknown): WorkloadLimit {
  return parseWith(workloadLimitSchema, 'workload limit', input);
}

/** A request over the limit; `retryAfterSeconds` is undefined when the header is off. */
export interface WorkloadRejection {
  retryAfterSeconds: number | undefined;
}

export class WorkloadLimiter {
  private limit: WorkloadLimit = {};
  private perSecond = Infinity;
  private perMinute = Infinity;
  private second = -1;
  private admittedInSecond = 0;
  private minute = -1;
  private admittedInMinute = 0;

  constructor(limit: WorkloadLimit) {
    this.set(limit);
  }

  /**
   * Replaces the limits. The current windows keep their counts: the requests already admitted
   * this second/minute were real load, so a limit lowered mid-window takes effect at once.
   */
  set(limit: WorkloadLimit): void {
    this.limit = { ...limit };
    this.perSecond = limit.perSecond ?? Infinity;
    this.perMinute = limit.perMinute ?? Infinity;
  }

  current(): WorkloadLimit {
    return { ...this.limit };
  }

  /**
   * Admits (and counts) one request arriving at `nowMs`, or rejects it. Windows are counted
   * even with no limit set, so a limit set at run time sees the load of the current window.
   */
  admit(nowMs: number): WorkloadRejection | undefined {
    const second = Math.floor(nowMs / 1000);
    if (second !== this.second) {
      this.second = second;
      this.admittedInSecond = 0;
      const minute = Math.floor(second / 60);
      if (minute !== this.minute) {
        this.minute = minute;
        this.admittedInMinute = 0;
      }
    }
    const minuteFull = this.admittedInMinute >= this.perMinute;
    if (minuteFull || this.admittedInSecond >= this.perSecond) {
      if (this.limit.retryAfter === false) return { retryAfterSeconds: undefined };
      // A full minute outlasts a full second: the client must wait for the later window end.
      const windowEndMs = minuteFull ? (this.minute + 1) * 60_000 : (second + 1) * 1000;
      return { retryAfterSeconds: Math.max(1, Math.ceil((windowEndMs - nowMs) / 1000)) };
    }
    this.admittedInSecond++;
    this.admittedInMinute++;
    return undefined;
  }
}
