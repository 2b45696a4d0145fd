/**
 * Where a run's wall time went, from its workflow history: the span from the workflow's first
 * event to its last, and per activity type how many ran and the sum of their times from
 * scheduled to completed (attempts at once overlap, so the sums may exceed the span).
 */
import { tsToMs } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;

export interface Breakdown {
  /** First event to last event of the workflow, seconds. */
  workflowSeconds: number;
  /** Per activity type: count and summed seconds scheduled → completed. */
  activities: Record<string, { count: number; seconds: number }>;
}

export function historyBreakdown(history: History): Breakdown {
  const events = history.events ?? [];
  const at = (i: number): number => tsToMs(events[i]?.eventTime);
  const scheduled = new Map<string, { type: string; ms: number }>();
  const activities: Breakdown['activities'] = {};
  events.forEach((e, i) => {
    const s = e.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(String(e.eventId), { type: s.activityType?.name ?? '?', ms: at(i) });
    const done = e.activityTaskCompletedEventAttributes;
    const from = done && scheduled.get(String(done.scheduledEventId));
    if (from) {
      const a = (activities[from.type] ??= { count: 0, seconds: 0 });
      a.count++;
      a.seconds += (at(i) - from.ms) / 1000;
    }
  });
  return { workflowSeconds: events.length ? (at(events.length - 1) - at(0)) / 1000 : 0, activities };
}

/** One line: `span 1.23 s; page ×40 2.10 s, catalog ×1 0.05 s, …`, biggest first. */
export function breakdownLine(b: Breakdown): string {
  const parts = Object.entries(b.activities)
    .sort((x, y) => y[1].seconds - x[1].seconds)
    .map(([t, a]) => `${t} ×${a.count} ${a.seconds.toFixed(2)} s`);
  return `workflow ${b.workflowSeconds.toFixed(2)} s; ${parts.join(', ')}`;
}
