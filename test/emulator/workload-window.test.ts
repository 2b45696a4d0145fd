import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HISTORY_SECONDS, TrafficMeter } from '../../emulator/traffic';
import { WorkloadLimiter } from '../../emulator/workload-limit';

/** A minute boundary: the windows below are computed on this explicit clock, not the real one. */
const T0 = 28_000_000 * 60_000;

/** Outcome of each request at `atMs`: 'ok' or the Retry-After value ('-' when none). */
function run(limiter: WorkloadLimiter, atMs: number, n: number): string[] {
  return Array.from({ length: n }, () => {
    const rejection = limiter.admit(atMs);
    return rejection === undefined ? 'ok' : String(rejection.retryAfterSeconds ?? '-');
  });
}

describe('workload limiter windows', () => {
  it('admits perSecond requests per wall-clock second; a rejection waits for the next second', () => {
    const limiter = new WorkloadLimiter({ perSecond: 3 });
    assert.deepEqual(run(limiter, T0 + 10, 5), ['ok', 'ok', 'ok', '1', '1']);
    assert.deepEqual(run(limiter, T0 + 999, 1), ['1']);
    assert.deepEqual(run(limiter, T0 + 1000, 4), ['ok', 'ok', 'ok', '1']);
  });

  it('does not count rejected requests against the window', () => {
    const limiter = new WorkloadLimiter({ perSecond: 2, perMinute: 4 });
    assert.deepEqual(run(limiter, T0, 50), ['ok', 'ok', ...Array<string>(48).fill('1')]);
    assert.deepEqual(run(limiter, T0 + 1000, 3), ['ok', 'ok', '59']);
  });

  it('holds perMinute across seconds and sends Retry-After to the minute end, rounded up', () => {
    const limiter = new WorkloadLimiter({ perSecond: 3, perMinute: 5 });
    assert.deepEqual(run(limiter, T0, 4), ['ok', 'ok', 'ok', '1']);
    assert.deepEqual(run(limiter, T0 + 1_250, 3), ['ok', 'ok', '59']);
    assert.deepEqual(run(limiter, T0 + 30_000, 1), ['30']);
    assert.deepEqual(run(limiter, T0 + 59_999, 1), ['1']);
    assert.deepEqual(run(limiter, T0 + 60_000, 4), ['ok', 'ok', 'ok', '1']);
  });

  it('omits Retry-After when retryAfter is false, and admits everything with no limit', () => {
    assert.deepEqual(run(new WorkloadLimiter({ perSecond: 1, retryAfter: false }), T0, 2), ['ok', '-']);
    assert.deepEqual(run(new WorkloadLimiter({}), T0, 1000), Array<string>(1000).fill('ok'));
  });

  it('keeps the counts of the current windows when the limit changes', () => {
    const limiter = new WorkloadLimiter({});
    run(limiter, T0, 10);
    limiter.set({ perSecond: 10, perMinute: 12 });
    assert.deepEqual(run(limiter, T0 + 500, 1), ['1']);
    assert.deepEqual(run(limiter, T0 + 1000, 3), ['ok', 'ok', '59']);
    limiter.set({});
    assert.deepEqual(run(limiter, T0 + 1000, 1), ['ok']);
    assert.deepEqual(limiter.current(), {});
  });
});

describe('traffic meter', () => {
  const at = (second: number): number => T0 / 1000 + second;

  it('reports received, admitted and rejected per second, oldest first, and totals', () => {
    const meter = new TrafficMeter();
    meter.record(T0 + 2_100, true);
    meter.record(T0 + 100, true);
    meter.record(T0 + 900, false);
    meter.record(T0 + 2_999, false);
    meter.record(T0 + 2_000, true);
    assert.deepEqual(meter.report(T0 + 3_000), {
      seconds: [
        { at: at(0), received: 2, admitted: 1, rejected: 1 },
        { at: at(2), received: 3, admitted: 2, rejected: 1 },
      ],
      totals: { received: 5, admitted: 3, rejected429: 2 },
    });
  });

  it('keeps the last hour in bounded memory; totals keep counting', () => {
    const meter = new TrafficMeter();
    for (let s = 0; s < HISTORY_SECONDS + 10; s++) meter.record(T0 + s * 1000, s % 2 === 0);
    const now = T0 + (HISTORY_SECONDS + 9) * 1000;
    const report = meter.report(now);
    assert.equal(report.seconds.length, HISTORY_SECONDS);
    assert.equal(report.seconds[0]?.at, at(10));
    assert.equal(report.seconds.at(-1)?.at, at(HISTORY_SECONDS + 9));
    assert.deepEqual(report.totals, { received: HISTORY_SECONDS + 10, admitted: 1805, rejected429: 1805 });
    assert.equal(meter.report(now + HISTORY_SECONDS * 1000).seconds.length, 0, 'all older than an hour');
    meter.reset();
    assert.deepEqual(meter.report(now), {
      seconds: [],
      totals: { received: 0, admitted: 0, rejected429: 0 },
    });
  });
});
