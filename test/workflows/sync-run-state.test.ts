import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DevicePageOutput } from '../../activities/device-page';
import { emptyTotals } from '../../common/counts';
import type { AuthResult, SyncRunInput } from '../../common/sync-types';
import { SyncRunState } from '../../workflows/sync-run-state';

const input = { job: { pageSize: 10 }, trigger: 'manual' } as unknown as SyncRunInput;
const auth: AuthResult = {
  full: true,
  filterFingerprint: '',
  trackedGroups: [],
  trackedGroupsSource: 'config',
  deviceTotal: 400,
  apiCalls: 0,
};

function page(offset: number, received: number, total: number): DevicePageOutput {
  return { ...emptyTotals(), offset, limit: 10, received, total };
}

describe('the run state', () => {
  it('counts pages in flight in the progress total (it said 28/28 while two pages still ran)', () => {
    const state = new SyncRunState(input, 'run', '2026-01-01T00:00:00Z');
    state.beginPass(10, 30, { catalog: { products: 0, groupChanged: 0 } });
    const reqs = [state.takePage()!, state.takePage()!, state.takePage()!];
    assert.equal(state.takePage(), undefined);
    state.applyPage(reqs[0]!, page(0, 10, 30), 100, 3);
    const p = state.progress();
    assert.deepEqual(
      { done: p.pagesDone, inFlight: p.pagesInFlight, total: p.pagesTotal },
      { done: 1, inFlight: 2, total: 3 },
    );
  });

  it('coalesces any number of forces into one follow-up full pass', () => {
    const state = new SyncRunState(input, 'run', '2026-01-01T00:00:00Z');
    state.force({});
    state.force({ confirmMissing: true });
    state.force({});
    assert.deepEqual(state.pendingForce, { full: true, confirmMissing: true });
  });

  it("gives each page its share of the job's rate, from where the pages before it left the budget", () => {
    const state = new SyncRunState(input, 'run', '2026-01-01T00:00:00Z');
    state.beginPass(10, 40, { catalog: { products: 0, groupChanged: 0 } });
    assert.deepEqual(state.rateShare(300, 4), { ceiling: 75, start: 75 });
    const req = state.takePage()!;
    state.applyPage(req, { ...page(0, 10, 40), rate: { rate: 25, throttled: 3, ceiling: 75 } }, 300, 4);
    // Three pages left: each gets a third of the job's rate, from a third of what was learned.
    assert.deepEqual(state.rateShare(300, 4), { ceiling: 100, start: 100 / 3 });
    assert.equal(state.checkpoint?.rate?.throttled, 3);
    assert.equal(state.checkpoint?.rate?.budget, 100);
  });

  it('gives a page running alone the whole rate, and a running page the rate over the pages in flight', () => {
    const state = new SyncRunState(input, 'run', '2026-01-01T00:00:00Z');
    state.beginPass(500, 500, { catalog: { products: 0, groupChanged: 0 } });
    assert.deepEqual(state.rateShare(20, 4), { ceiling: 20, start: 20 });
    state.takePage();
    assert.equal(state.currentShare(20), 20);
  });

  it("does not let a lone last page that crept up to the whole rate set the job's budget", () => {
    const state = new SyncRunState(input, 'run', '2026-01-01T00:00:00Z');
    state.beginPass(10, 40, { catalog: { products: 0, groupChanged: 0 } });
    const [a, b] = [state.takePage()!, state.takePage()!];
    state.applyPage(a, { ...page(0, 10, 40), rate: { rate: 20, throttled: 5, ceiling: 75 } }, 300, 4);
    assert.equal(state.checkpoint?.rate?.budget, 80);
    // Alone, it crept up to its whole share without a 429: a guess, not the site's limit.
    state.applyPage(b, { ...page(10, 10, 40), rate: { rate: 300, throttled: 0, ceiling: 300 } }, 300, 4);
    assert.equal(state.checkpoint?.rate?.budget, 80);
  });

  it("keeps the job's budget at the median of the last pages: one page cut far below the others does not drag it down", () => {
    const state = new SyncRunState(input, 'run', '2026-01-01T00:00:00Z');
    state.beginPass(10, 80, { catalog: { products: 0, groupChanged: 0 } });
    const reqs = Array.from({ length: 4 }, () => state.takePage()!);
    const at = (rate: number) => ({ rate, throttled: 1, ceiling: 75 });
    for (const [i, r] of [25, 27, 24].entries())
      state.applyPage(reqs[i]!, { ...page(i * 10, 10, 80), rate: at(r) }, 300, 4);
    assert.equal(state.checkpoint?.rate?.budget, 100);
    // A retried attempt's page that ended at 2/s: the next pages still start near the others' rate.
    state.applyPage(reqs[3]!, { ...page(30, 10, 80), rate: at(2) }, 300, 4);
    assert.equal(state.checkpoint?.rate?.budget, 96);
    // The site's rate fell for every page: the budget follows once they agree.
    for (let i = 4; i < 7; i++)
      state.applyPage(state.takePage()!, { ...page(i * 10, 10, 80), rate: at(10) }, 300, 4);
    assert.equal(state.checkpoint?.rate?.budget, 40);
  });

  it('starts the job where its last run left the budget', () => {
    const state = new SyncRunState(input, 'run', '2026-01-01T00:00:00Z');
    state.authenticated({ ...auth, learnedRate: 120 });
    state.beginPass(100, 400, { catalog: { products: 0, groupChanged: 0 } });
    assert.deepEqual(state.rateShare(400, 4), { ceiling: 100, start: 30 });
  });
});
