/**
 * The sync's own Prometheus metrics, named after the report's counters and labelled by job.
 * Emitted through the SDK's metric meter: the worker's runtime exports them with its own
 * worker metrics when it serves metrics (worker --metrics, or `metrics:` in the config);
 * otherwise they go nowhere. docs/alerts.yaml and docs/grafana-dashboard.json use these names.
 */
import type { MetricMeter } from '@temporalio/common';
import { DEVICE_SKIP } from '../common/counts';
import type { NavigatorReport, RunReport } from '../common/sync-types';
import { currentContext } from './run-helpers';

export const METRIC = {
  runs: 'alloyscan_sync_runs',
  devices: 'alloyscan_sync_devices',
  skipped: 'alloyscan_sync_skipped',
  installations: 'alloyscan_sync_installations',
  quarantined: 'alloyscan_sync_quarantined_records',
  apiCalls: 'alloyscan_sync_api_calls',
  tokenRequests: 'alloyscan_sync_token_requests',
  pageDuration: 'alloyscan_sync_page_duration',
  lastRunFinish: 'alloyscan_sync_last_run_finish_time',
  lastSuccess: 'alloyscan_sync_last_success_time',
  verifyOk: 'alloyscan_sync_verify_ok',
  needsConfirmation: 'alloyscan_sync_needs_confirmation',
  rateReached: 'alloyscan_sync_rate_reached',
  throttled: 'alloyscan_sync_rate_limited_calls',
  scheduleInterval: 'alloyscan_sync_schedule_interval_seconds',
  schedulePaused: 'alloyscan_sync_schedule_paused',
  navigatorRecords: 'alloyscan_sync_navigator_records',
  navigatorWriteCalls: 'alloyscan_sync_navigator_write_calls',
  navigatorLostAnswers: 'alloyscan_sync_navigator_lost_answers',
  navigatorThrottled: 'alloyscan_sync_navigator_rate_limited_calls',
  navigatorVerifyOk: 'alloyscan_sync_navigator_verify_ok',
  navigatorApiCalls: 'alloyscan_sync_navigator_api_calls',
  navigatorInstallations: 'alloyscan_sync_navigator_installations',
  connectionOk: 'alloyscan_sync_connection_ok',
} as const;

/** The activity's metric meter, or undefined outside an activity (plain unit tests). */
export function activityMeter(): MetricMeter | undefined {
  return currentContext()?.metricMeter;
}

/** An API call's status class: 2xx, 3xx, 4xx, 429, 5xx, or network (no answer). */
function statusClass(status: number | undefined): string {
  if (status === undefined) return 'network';
  if (status === 429) return '429';
  return `${Math.floor(status / 100)}xx`;
}

/** Counts a job's API calls (and token requests): the counters are made once, each call only adds. */
export function callCounter(
  meter: MetricMeter | undefined,
  job: string,
): (status: number | undefined, token: boolean) => void {
  if (!meter) return () => {};
  const calls = meter.createCounter(METRIC.apiCalls, 'calls', 'AlloyScan API calls by status class');
  const tokens = meter.createCounter(METRIC.tokenRequests, 'requests', 'AlloyScan token requests');
  return (status, token) => {
    calls.add(1, { job, status: statusClass(status) });
    if (token) tokens.add(1, { job });
  };
}

/** Counts a Navigator's API calls by kind (read, write, token) and status class: counters made once per client. */
export function navigatorCallCounter(
  meter: MetricMeter | undefined,
  navigator: string,
  job: string,
): (status: number | undefined, kind: 'read' | 'write' | 'token') => void {
  if (!meter) return () => {};
  const calls = meter.createCounter(
    METRIC.navigatorApiCalls,
    'calls',
    'Navigator API calls by kind and status class',
  );
  return (status, kind) => calls.add(1, { job, navigator, kind, status: statusClass(status) });
}

/** What a finished run adds to the job's counters and gauges: the report's own figures. */
export function recordRunMetrics(meter: MetricMeter | undefined, r: RunReport): void {
  if (!meter) return;
  const job = r.jobId;
  const counter = (name: string, help: string) => meter.createCounter(name, '', help);
  counter(METRIC.runs, 'Sync runs by outcome').add(1, { job, outcome: r.outcome, trigger: r.trigger });
  if (r.dryRun || r.outcome === 'skipped') return gauges(meter, r);
  const c = r.counts;
  const devices = counter(METRIC.devices, 'Devices a run listed, read, added, updated or left unchanged');
  devices.add(c.listed, { job, change: 'listed' });
  devices.add(c.detailsRead, { job, change: 'read' });
  devices.add(c.added, { job, change: 'added' });
  devices.add(c.updated, { job, change: 'updated' });
  devices.add(c.unchanged, { job, change: 'unchanged' });
  const skipped = counter(METRIC.skipped, 'Devices and installations skipped, by reason');
  const deviceReasons = new Set<string>(Object.values(DEVICE_SKIP));
  for (const [reason, n] of Object.entries(c.skipped))
    skipped.add(n, { job, reason, of: deviceReasons.has(reason) ? 'device' : 'installation' });
  const installs = counter(METRIC.installations, 'Discovered Installations added, updated, removed');
  installs.add(c.installationsAdded, { job, change: 'added' });
  installs.add(c.installationsUpdated, { job, change: 'updated' });
  installs.add(c.installationsRemoved, { job, change: 'removed' });
  counter(METRIC.quarantined, 'Malformed API records quarantined').add(r.quarantined, { job });
  if (r.rate) {
    counter(METRIC.throttled, 'API calls the site answered 429').add(r.rate.throttled, { job });
    meter
      .createGauge(METRIC.rateReached, 'float', 'calls/s', 'Request rate the last run reached')
      .set(r.rate.reached, { job });
  }
  if (r.navigator) navigatorMetrics(meter, r.jobId, r.navigator);
  gauges(meter, r);
}

/** A Navigator destination's side of a run. */
function navigatorMetrics(meter: MetricMeter, job: string, n: NavigatorReport): void {
  const labels = { job, navigator: n.navigator };
  const records = meter.createCounter(
    METRIC.navigatorRecords,
    '',
    'Navigator records a run created, adopted, updated, flagged or could not write',
  );
  const adopted = Object.values(n.adopted).reduce((a, b) => a + b, 0);
  for (const [change, v] of Object.entries({
    created: n.created,
    adopted,
    updated: n.updated,
    unchanged: n.unchanged,
    marked_missing: n.markedMissing,
    unflagged: n.unflagged ?? 0,
    recreated: n.recreated ?? 0,
    refused: n.refused,
    ambiguous: n.ambiguous,
  }))
    records.add(v, { ...labels, change });
  const inst = n.installations;
  if (inst) {
    const installations = meter.createCounter(
      METRIC.navigatorInstallations,
      '',
      'Software Installations records a run created or adopted in Navigator, and installations it could not write there',
    );
    const notWritten = Object.values(inst.notWritten).reduce((a, b) => a + b, 0);
    for (const [change, v] of Object.entries({
      created: inst.created,
      adopted: inst.adopted,
      not_written: notWritten,
      removed_in_alloyscan: inst.removedInAlloyScan,
    }))
      installations.add(v, { ...labels, change });
  }
  meter
    .createCounter(METRIC.navigatorWriteCalls, '', 'Create and step-action calls sent to Navigator')
    .add(n.writeCalls, labels);
  meter
    .createCounter(
      METRIC.navigatorLostAnswers,
      '',
      'Navigator writes whose answer was lost (looked up before repeating)',
    )
    .add(n.lostAnswers, labels);
  meter.createCounter(METRIC.navigatorThrottled, '', 'Navigator calls answered 429').add(n.throttled, labels);
  meter
    .createGauge(
      METRIC.navigatorVerifyOk,
      'float',
      '',
      '1 when Navigator held exactly the linked records at the last run',
    )
    .set(n.verify.ok ? 1 : 0, labels);
}

/** The job's gauges after a run: when it last finished and succeeded, whether it verified, whether it waits. */
export function gauges(meter: MetricMeter, r: RunReport): void {
  const job = r.jobId;
  const at = Date.parse(r.finishedAt) / 1000;
  const gauge = (name: string, help: string) => meter.createGauge(name, 'float', '', help);
  gauge(METRIC.lastRunFinish, 'When the job last finished a run (unix seconds)').set(at, { job });
  if (r.dryRun) return;
  const waiting = gauge(METRIC.needsConfirmation, '1 while the last run waits for --confirm-missing');
  if (r.outcome === 'needs-confirmation') waiting.set(1, { job });
  if (r.outcome !== 'succeeded') return;
  waiting.set(0, { job });
  // A run that succeeded reached the site: whatever the start-up check said is fixed.
  connectionGauge(meter).set(1, { job });
  gauge(METRIC.lastSuccess, 'When the job last succeeded (unix seconds)').set(at, { job });
  gauge(METRIC.verifyOk, "1 when the job's last successful run verified, 0 on a mismatch").set(
    r.verify.ok ? 1 : 0,
    {
      job,
    },
  );
}

/** 1 when the job's connection check (worker start-up) or its last run reached the site, 0 when the check failed. */
export function connectionGauge(meter: MetricMeter) {
  return meter.createGauge(
    METRIC.connectionOk,
    'int',
    '',
    "1 when the job's site and App registration answered the worker's start-up check (or a run succeeded since), 0 when not",
  );
}
