import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AlloyScanClient } from '../../activities/alloyscan/client-types';
import { createAuthenticate, filterFingerprint } from '../../activities/authenticate';
import type { NavigatorStore } from '../../activities/navigator/store-types';
import type { RunReport, SyncJobConfig } from '../../common/sync-types';

const job = {
  id: 'acme',
  importSoftware: { mode: 'all' },
  trackedGroups: ['Required'],
  fullRunIntervalHours: 24,
} as SyncJobConfig;

/** A site with the Required group tracked and 7 devices; counts calls. */
function fakeClient(): AlloyScanClient {
  return {
    apiCalls: 0,
    tokenRequests: 0,
    authenticate: () => Promise.resolve(),
    listSoftwareGroups: () => Promise.resolve([{ name: 'Required', trackInNavigator: true }]),
    listDevices: () => Promise.resolve({ items: [], quarantined: [], received: 0, total: 7 }),
  } as unknown as AlloyScanClient;
}

function fakeStore(runs: Partial<RunReport>[], pending?: string): NavigatorStore {
  return {
    upsertJob: () => Promise.resolve(),
    fullPassReason: () => Promise.resolve(pending),
    listRuns: () => Promise.resolve(runs as RunReport[]),
  } as unknown as NavigatorStore;
}

const NOW = new Date('2026-11-26T12:00:00Z');
const fp = filterFingerprint(job, ['Required']);
const run = (finishedAt: string, full: boolean, fingerprint = fp): Partial<RunReport> => ({
  outcome: 'succeeded',
  dryRun: false,
  full,
  finishedAt,
  filterFingerprint: fingerprint,
});

describe('authenticate decides whether a run is full', () => {
  /** `runs`: the run log, newest first; `full` and `reason`: the decision expected. */
  const cases: { name: string; runs: Partial<RunReport>[]; full: boolean; reason: string | undefined }[] = [
    { name: 'first run', runs: [], full: true, reason: 'no earlier successful run' },
    {
      name: 'recent full pass, same filter',
      runs: [run('2026-11-26T06:00:00Z', true)],
      full: false,
      reason: undefined,
    },
    {
      name: 'filter changed',
      runs: [run('2026-11-26T06:00:00Z', true, 'other')],
      full: true,
      reason: 'software filter or tracked groups changed',
    },
    {
      name: 'last full pass too old',
      runs: [run('2026-11-26T06:00:00Z', false), run('2026-11-24T06:00:00Z', true)],
      full: true,
      reason: 'last full pass older than 24 h',
    },
    {
      name: 'failed and dry runs do not count',
      runs: [{ ...run('2026-11-26T06:00:00Z', true), outcome: 'failed' }],
      full: true,
      reason: 'no earlier successful run',
    },
  ];
  it('a full pass left pending by a failed run (products changed group)', async () => {
    const store = fakeStore([run('2026-11-26T06:00:00Z', true)], '3 products changed software group');
    const res = await createAuthenticate({ store, clientFor: fakeClient, now: () => NOW })({
      job,
      full: false,
    });
    assert.equal(res.full, true);
    assert.equal(res.fullReason, '3 products changed software group');
  });

  for (const { name, runs, full, reason } of cases) {
    it(name, async () => {
      const authenticate = createAuthenticate({
        store: fakeStore(runs),
        clientFor: fakeClient,
        now: () => NOW,
      });
      const res = await authenticate({ job, full: false });
      assert.equal(res.full, full);
      assert.equal(res.fullReason, reason);
      assert.equal(res.deviceTotal, 7);
      assert.deepEqual(res.trackedGroups, ['Required']);
      assert.equal(res.trackedGroupsSource, 'site');
    });
  }
});
