/**
 * What a gateway in front of a site does with each request before the site sees it:
 * meter it and apply the workload limit, both on one clock reading so the meter's seconds
 * are the limiter's windows.
 */
import { TrafficMeter, type TrafficReport } from './traffic';
import { WorkloadLimiter, type WorkloadLimit, type WorkloadRejection } from './workload-limit';

export class WorkloadGate {
  private readonly limiter: WorkloadLimiter;
  private readonly meter = new TrafficMeter();

  constructor(limit: WorkloadLimit) {
    this.limiter = new WorkloadLimiter(limit);
  }

  /** Undefined when the request may proceed; a rejection to answer 429 otherwise. */
  admit(): WorkloadRejection | undefined {
    const nowMs = Date.now();
    const rejection = this.limiter.admit(nowMs);
    this.meter.record(nowMs, rejection === undefined);
    return rejection;
  }

  setLimit(limit: WorkloadLimit): void {
    this.limiter.set(limit);
  }

  limit(): WorkloadLimit {
    return this.limiter.current();
  }

  traffic(): TrafficReport {
    return this.meter.report(Date.now());
  }

  resetTraffic(): void {
    this.meter.reset();
  }
}
