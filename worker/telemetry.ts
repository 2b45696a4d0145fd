/**
 * The worker's runtime and its metrics. With a bind address the SDK serves Prometheus metrics
 * there: its own worker metrics (temporal_*) and the sync's (alloyscan_sync_*, activities/
 * metrics.ts). The job gauges that alerts need between runs are kept here: the schedule's
 * interval and whether it is paused (refreshed every minute: `jobs disable` may pause it from
 * another process), and the last run's gauges seeded from the run log at start, so a restarted
 * worker does not look like a job that never succeeded.
 */
import type { Client } from '@temporalio/client';
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { clearTokenCache } from '../activities/alloyscan/token-cache';
import { connectionGauge, gauges, METRIC } from '../activities/metrics';
import { checkJob, checkLine, type JobCheck } from '../ops/check-job';
import type { SyncStore } from '../activities/store/store-types';
import type { SyncJobConfig } from '../common/sync-types';
import { scheduleId } from '../ops/schedules';

export interface TelemetryOptions {
  /** host:port to serve Prometheus metrics on (`/metrics`); none: no metrics served. */
  metrics?: string | undefined;
  logLevel?: LogLevel;
  /** Signals the SDK handles itself (npm start handles Ctrl-C itself: []). */
  shutdownSignals?: NodeJS.Signals[];
}

/** Install the runtime once, before any connection: logging, and metrics when asked for. */
export function installRuntime(opts: TelemetryOptions): void {
  Runtime.install({
    logger: new DefaultLogger(opts.logLevel ?? 'WARN'),
    ...(opts.shutdownSignals ? { shutdownSignals: opts.shutdownSignals } : {}),
    ...(opts.metrics
      ? {
          telemetryOptions: {
            metrics: { prometheus: { bindAddress: opts.metrics, countersTotalSuffix: true } },
          },
        }
      : {}),
  });
}

/** Keep the job gauges current while the worker runs; returns a stop function. */
export async function watchJobs(
  client: Client,
  store: SyncStore,
  jobs: SyncJobConfig[],
): Promise<() => void> {
  const meter = Runtime.instance().metricMeter;
  for (const job of jobs) {
    const [last] = await store.listRuns(job.id, 1);
    const success = await store.lastSuccess(job.id);
    if (success) gauges(meter, success);
    if (last && last.runId !== success?.runId) gauges(meter, last);
  }
  const interval = meter.createGauge(
    METRIC.scheduleInterval,
    'float',
    's',
    "Seconds between a job's scheduled runs",
  );
  const paused = meter.createGauge(METRIC.schedulePaused, 'int', '', "1 while a job's schedule is paused");
  const refresh = async (): Promise<void> => {
    for (const job of jobs) {
      try {
        const d = await client.schedule.getHandle(scheduleId(job.id)).describe();
        const [a, b] = d.info.nextActionTimes;
        if (a && b) interval.set((b.getTime() - a.getTime()) / 1000, { job: job.id });
        paused.set(d.state.paused ? 1 : 0, { job: job.id });
      } catch {
        // a deleted schedule, or Temporal briefly out of reach: keep the last values
      }
    }
  };
  await refresh();
  const timer = setInterval(() => void refresh(), 60_000);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Check every job as `test-connection` does (in parallel, each within seconds), log one line
 * per job, and set its connection gauge. A failing job stops nothing: the others run. Called
 * before the worker polls, so no run shares the checks' tokens.
 */
export async function checkJobs(jobs: SyncJobConfig[], log: (msg: string) => void): Promise<JobCheck[]> {
  const gauge = connectionGauge(Runtime.instance().metricMeter);
  const checks = await Promise.all(jobs.map((job) => checkJob(job)));
  for (const c of checks) {
    log(checkLine(c));
    gauge.set(c.ok ? 1 : 0, { job: c.jobId });
  }
  // Runs request their own tokens (a run's report counts them); the checks' are not reused.
  clearTokenCache();
  return checks;
}
