import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AlloyScanClient } from '../../activities/alloyscan/client-types';
import { createAuthenticate, filterFingerprint } from '../../activities/authenticate';
import type { SyncStore } from '../../activities/store/store-types';
import type { RunReport, SyncJobConfig } from '../../common/sync-types';
import { jobConfig } from '../helpers/jobs';
import { engines } from '../helpers/stores';

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

/** A store whose run log is `runs`, newest first, answering the look-ups as the real one does. */
function fakeStore(runs: Partial<RunReport>[], pending?: string): SyncStore {
  const good = runs.filter((r) => r.outcome === 'succeeded' && !r.dryRun) as RunReport[];
  return {
    upsertJob: () => Promise.resolve(),
    fullPassReason: () => Promise.resolve(pending),
    lastSuccess: () => Promise.resolve(good[0]),
    lastFullPass: () => Promise.resolve(good.find((r) => r.full)?.finishedAt),
  } as unknown as SyncStore;
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

describe('authenticate on the real store', () => {
  it('finds the last full pass among hundreds of runs: a job run every 30 minutes is not re-read every 25 h', async () => {
    const [sqlite] = engines();
    const store = await sqlite!.open();
    try {
      const at = (hoursAgo: number) => new Date(NOW.getTime() - hoursAgo * 3_600_000).toISOString();
      const save = (id: string, hoursAgo: number, full: boolean) =>
        store.saveRunReport({
          ...(run(at(hoursAgo), full) as RunReport),
          runId: id,
          jobId: job.id,
          workflowId: id,
          trigger: 'schedule',
          startedAt: at(hoursAgo),
          durationMs: 1000,
          verify: {
            sourceDevices: 0,
            importedDevices: 0,
            skippedDevices: 0,
            expectedInstallations: 0,
            storedInstallations: 0,
            ok: true,
          },
        });
      await save('full', 20, true);
      for (let i = 0; i < 60; i++) await save(`run-${i}`, 19.9 - i / 3, false);
      const decide = createAuthenticate({ store, clientFor: fakeClient, now: () => NOW });
      const real = jobConfig(job.id, { importSoftware: job.importSoftware, fullRunIntervalHours: 24 });
      const res = await decide({ job: real, full: false });
      assert.deepEqual({ full: res.full, reason: res.fullReason }, { full: false, reason: undefined });
    } finally {
      await store.close();
      await sqlite!.cleanup();
    }
  });
});
