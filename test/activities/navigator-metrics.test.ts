/**
 * The Navigator side of a run's metrics: every count of the report's `navigator` block reaches
 * its counter with its `change` label (a recording meter stands in for the worker's).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricMeter, MetricTags } from '@temporalio/common';
import { METRIC, recordRunMetrics } from '../../activities/metrics';
import type { NavigatorReport, RunReport } from '../../common/sync-types';

type Added = { name: string; value: number; tags: MetricTags };

function recordingMeter(): { meter: MetricMeter; added: Added[] } {
  const added: Added[] = [];
  const instrument = (name: string) => ({
    add: (value: number, tags: MetricTags = {}) => added.push({ name, value, tags }),
    set: (value: number, tags: MetricTags = {}) => added.push({ name, value, tags }),
    record: (value: number, tags: MetricTags = {}) => added.push({ name, value, tags }),
  });
  const meter = {
    createCounter: instrument,
    createGauge: instrument,
    createHistogram: instrument,
    withTags: () => meter,
  } as unknown as MetricMeter;
  return { meter, added };
}

function byChange(added: Added[], name: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of added.filter((x) => x.name === name))
    out[String(a.tags.change)] = (out[String(a.tags.change)] ?? 0) + a.value;
  return out;
}

const navigator: NavigatorReport = {
  navigator: 'hq',
  created: 7,
  adopted: { nameSerial: 2, lostAnswer: 1 },
  updated: 3,
  unchanged: 40,
  markedMissing: 2,
  unflagged: 1,
  recreated: 4,
  linked: { computers: 40, inventoryItems: 17 },
  apiCalls: 90,
  writeCalls: 20,
  throttled: 5,
  lostAnswers: 6,
  refused: 1,
  ambiguous: 1,
  installationsNotWritten: 9,
  installationsReason: '9 not written',
  installations: {
    created: 30,
    adopted: 2,
    unchanged: 100,
    notWritten: { deviceNotLinked: 1, notInCatalog: 5, ambiguousProduct: 1, refused: 1, pending: 1 },
    removedInAlloyScan: 3,
    left: 8,
    verify: { expected: 132, found: 132, duplicates: 0, ok: true },
  },
  verify: { expected: 57, found: 57, duplicates: 0, unlinked: 0, ok: true },
};

const report = {
  jobId: 'acme',
  outcome: 'succeeded',
  trigger: 'manual',
  dryRun: false,
  finishedAt: '2026-12-05T02:00:00.000Z',
  counts: {
    listed: 57,
    detailsRead: 10,
    added: 7,
    updated: 3,
    unchanged: 47,
    skipped: {},
    installationsAdded: 30,
    installationsUpdated: 0,
    installationsRemoved: 3,
  },
  quarantined: 0,
  verify: { ok: true },
  navigator,
} as unknown as RunReport;

describe('Navigator metrics', () => {
  it('count every record change, the installations and the calls of the report', () => {
    const { meter, added } = recordingMeter();
    recordRunMetrics(meter, report);
    assert.deepEqual(byChange(added, METRIC.navigatorRecords), {
      created: 7,
      adopted: 3,
      updated: 3,
      unchanged: 40,
      marked_missing: 2,
      unflagged: 1,
      recreated: 4,
      refused: 1,
      ambiguous: 1,
    });
    assert.deepEqual(byChange(added, METRIC.navigatorInstallations), {
      created: 30,
      adopted: 2,
      not_written: 9,
      removed_in_alloyscan: 3,
    });
    const one = (name: string) => added.filter((a) => a.name === name).map((a) => a.value);
    assert.deepEqual(one(METRIC.navigatorWriteCalls), [20]);
    assert.deepEqual(one(METRIC.navigatorLostAnswers), [6]);
    assert.deepEqual(one(METRIC.navigatorThrottled), [5]);
    assert.deepEqual(one(METRIC.navigatorVerifyOk), [1]);
    for (const a of added.filter((x) => x.name.startsWith('alloyscan_sync_navigator')))
      assert.deepEqual([a.tags.job, a.tags.navigator], ['acme', 'hq'], a.name);
  });

  it('have no installations counter when the navigator has no installation class', () => {
    const { meter, added } = recordingMeter();
    recordRunMetrics(meter, { ...report, navigator: { ...navigator, installations: undefined } });
    assert.equal(added.filter((a) => a.name === METRIC.navigatorInstallations).length, 0);
  });
});
