/**
 * Plans which device-list pages a pass reads, with bounded parallelism, from the site's
 * `total`. A site may return fewer items than asked for, so a short page leaves a gap that
 * is read next; a pass is *complete* only when `total` stayed the same on every page and
 * every offset below it was covered. A site that caps its pages (returns at most N items
 * whatever `limit` asks) is learned from its short pages: the rest of the pass, gaps
 * included, is handed out in pages of N, so `pageConcurrency` of them run at once. Pure and
 * deterministic: it lives in workflow state and travels through continue-as-new as a plain
 * object.
 */
import type { PageRequest, PlannerState } from '../common/sync-types';

export function newPlanner(pageSize: number, total: number): PlannerState {
  return { pageSize, total, nextOffset: 0, gaps: [], totalStable: true, truncated: false };
}

/** Devices per page from here on: the job's pageSize, or the site's cap once learned. */
export function pageLimit(s: PlannerState): number {
  return Math.min(s.pageSize, s.sitePageSize ?? s.pageSize);
}

/** The next page to read, or undefined when every offset below `total` was handed out. */
export function nextPage(s: PlannerState): PageRequest | undefined {
  const gap = s.gaps.shift();
  if (gap) return gap;
  if (s.nextOffset >= s.total) return undefined;
  const req = { offset: s.nextOffset, limit: Math.min(pageLimit(s), s.total - s.nextOffset) };
  s.nextOffset += req.limit;
  return req;
}

/** Pages left to hand out (gaps, then the untouched rest at the current page size). */
export function pagesLeft(s: PlannerState): number {
  return s.gaps.length + Math.ceil(Math.max(0, s.total - s.nextOffset) / pageLimit(s));
}

/**
 * Record what a page returned: its item count and the total the site reported with it.
 * `learnCap` (false in histories recorded before the site's page size was learned): a short
 * page sets the site's page size to the most items a short page returned, and the unread
 * rest becomes gaps of that size.
 */
export function pageDone(
  s: PlannerState,
  req: PageRequest,
  received: number,
  total: number,
  learnCap = false,
): void {
  if (total !== s.total) {
    s.totalStable = false;
    s.total = total;
  }
  if (received === 0) {
    if (req.offset < s.total) s.truncated = true;
    return;
  }
  const end = Math.min(req.offset + req.limit, s.total);
  const from = req.offset + received;
  if (from >= end) return;
  if (!learnCap) {
    s.gaps.push({ offset: from, limit: end - from });
    return;
  }
  s.sitePageSize = Math.max(s.sitePageSize ?? 0, received);
  const size = pageLimit(s);
  for (let offset = from; offset < end; offset += size)
    s.gaps.push({ offset, limit: Math.min(size, end - offset) });
}

/** True when nothing is left to hand out (in-flight pages are the caller's to await). */
export function exhausted(s: PlannerState): boolean {
  return s.gaps.length === 0 && s.nextOffset >= s.total;
}

/** The listing reached every offset: nothing left to hand out and no page came back empty below the total. */
export function isCovered(s: PlannerState): boolean {
  return exhausted(s) && !s.truncated;
}

/** A pass is complete when the total held still and no page came back empty below it. */
export function isComplete(s: PlannerState): boolean {
  return exhausted(s) && s.totalStable && !s.truncated;
}

/** Pages the pass will need in all (for progress), assuming full pages from here on. */
export function estimatedPages(s: PlannerState, done: number): number {
  return done + pagesLeft(s);
}
