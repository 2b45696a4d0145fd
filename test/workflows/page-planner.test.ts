import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  exhausted,
  isComplete,
  isCovered,
  newPlanner,
  nextPage,
  pageDone,
} from '../../workflows/page-planner';

describe('page planner', () => {
  it('hands out every offset below the total exactly once', () => {
    const s = newPlanner(100, 250);
    const reqs = [];
    for (let r = nextPage(s); r; r = nextPage(s)) reqs.push(r);
    assert.deepEqual(reqs, [
      { offset: 0, limit: 100 },
      { offset: 100, limit: 100 },
      { offset: 200, limit: 50 },
    ]);
    for (const r of reqs) pageDone(s, r, r.limit, 250);
    assert.ok(isComplete(s));
  });

  it('reads the rest of a short page as a gap before new offsets', () => {
    const s = newPlanner(100, 300);
    const first = nextPage(s)!;
    pageDone(s, first, 40, 300);
    assert.deepEqual(nextPage(s), { offset: 40, limit: 60 });
    assert.deepEqual(nextPage(s), { offset: 100, limit: 100 });
  });

  it('is not complete when the total changed during the pass', () => {
    const s = newPlanner(100, 200);
    const a = nextPage(s)!;
    const b = nextPage(s)!;
    pageDone(s, a, 100, 200);
    pageDone(s, b, 100, 201);
    const c = nextPage(s)!;
    assert.deepEqual(c, { offset: 200, limit: 1 });
    pageDone(s, c, 1, 201);
    assert.ok(exhausted(s));
    assert.equal(isComplete(s), false);
    assert.equal(isCovered(s), true, 'a moved total still covers every offset: the unseen walk runs');
  });

  it('is not complete when the site returns an empty page below its total', () => {
    const s = newPlanner(100, 200);
    const a = nextPage(s)!;
    pageDone(s, a, 0, 200);
    const b = nextPage(s)!;
    pageDone(s, b, 100, 200);
    assert.ok(exhausted(s));
    assert.equal(isComplete(s), false);
    assert.equal(isCovered(s), false, 'offsets 0–99 were never read: the unseen walk is skipped');
  });

  it('learns a site that caps its pages and hands out the rest in pages of that size', () => {
    const s = newPlanner(500, 500);
    const first = nextPage(s)!;
    assert.deepEqual(first, { offset: 0, limit: 500 });
    pageDone(s, first, 37, 500, true);
    const reqs = [];
    for (let r = nextPage(s); r; r = nextPage(s)) reqs.push(r);
    assert.equal(s.sitePageSize, 37);
    assert.equal(reqs.length, 13);
    assert.deepEqual(reqs[0], { offset: 37, limit: 37 });
    assert.deepEqual(reqs.at(-1), { offset: 481, limit: 19 });
    for (const r of reqs) pageDone(s, r, Math.min(37, r.limit), 500, true);
    assert.ok(isComplete(s), 'every offset covered once');
  });

  it("reads new offsets in pages of the site's size once learned", () => {
    const s = newPlanner(100, 1000);
    const a = nextPage(s)!;
    nextPage(s);
    pageDone(s, a, 40, 1000, true);
    assert.deepEqual(nextPage(s), { offset: 40, limit: 40 });
    assert.deepEqual(nextPage(s), { offset: 80, limit: 20 });
    assert.deepEqual(nextPage(s), { offset: 200, limit: 40 });
  });

  it('keeps one gap for a short page in histories recorded before it learned page sizes', () => {
    const s = newPlanner(500, 500);
    pageDone(s, nextPage(s)!, 37, 500);
    assert.deepEqual(nextPage(s), { offset: 37, limit: 463 });
    assert.equal(s.sitePageSize, undefined);
  });
});
