/**
 * A site that changes while it is read (issue 19): devices added and deleted from the first
 * pages mid-run, devices deleted between their listing and their detail, and a site that keeps
 * changing during every run. Real parts: the dev server, the emulator over HTTP (its churn
 * option changes the site on cue of the list calls), SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SqlSyncStore } from '../../activities/store';
import type { RunReport, SyncJobConfig } from '../../common/sync-types';
import type { EmulatedSite } from '../../emulator';
import { ExitCode, exitCodeForRun } from '../../ops/exit-codes';
import { storeEngines } from '../helpers/stores';
import { jobFor, siteName } from '../helpers/sync-harness';
import { startStack, startStoreAndWorker, type Stack, type StoreAndWorker } from '../helpers/sync-fixture';

interface RecordRow {
  alloyscan_id: string;
  missing_from_alloyscan: number;
}

/** Linked records of the job, whatever their state. */
async function recordsOf(store: SqlSyncStore, jobId: string): Promise<RecordRow[]> {
  const part = (table: 'computers' | 'hardware') =>
    store.db
      .selectFrom(table)
      .select(['alloyscan_id', 'missing_from_alloyscan'])
      .where('job_id', '=', jobId)
      .where('alloyscan_id', 'is not', null)
      .execute();
  const rows = [...(await part('computers')), ...(await part('hardware'))];
  return rows.map((r) => ({
    alloyscan_id: r.alloyscan_id!,
    missing_from_alloyscan: Number(r.missing_from_alloyscan),
  }));
}

/** Every present device stored once and live; every record of a deleted device flagged missing. */
async function assertStoreMatchesSite(
  f: StoreAndWorker,
  site: EmulatedSite,
  job: SyncJobConfig,
  deleted: readonly string[],
): Promise<void> {
  const rows = await recordsOf(f.store as SqlSyncStore, job.id);
  const present = new Set(site.deviceIds());
  const byId = new Map<string, RecordRow[]>();
  for (const r of rows) byId.set(r.alloyscan_id, [...(byId.get(r.alloyscan_id) ?? []), r]);
  const unstored = [...present].filter((id) => byId.get(id)?.length !== 1);
  assert.deepEqual(unstored, [], 'every present device is stored exactly once');
  const presentFlagged = [...present].filter((id) => byId.get(id)?.[0]?.missing_from_alloyscan === 1);
  assert.deepEqual(presentFlagged, [], 'no present device is flagged missing');
  const liveGone = deleted.filter((id) => byId.get(id)?.some((r) => r.missing_from_alloyscan === 0));
  assert.deepEqual(liveGone, [], 'every deleted device that was stored is flagged missing');
  const truth = site.groundTruth();
  const counts = await f.store.counts(job.id);
  assert.deepEqual(
    { devices: counts.liveDevices, installations: counts.installations },
    { devices: truth.devices, installations: truth.installations },
    'the store holds the site as it is now',
  );
}

/** The report's numbers are the store's. */
async function assertReportIsStore(f: StoreAndWorker, job: SyncJobConfig, r: RunReport): Promise<void> {
  const counts = await f.store.counts(job.id);
  assert.equal(r.verify.importedDevices, counts.liveDevices + counts.retiredInSource);
  assert.equal(r.verify.storedInstallations, counts.installations);
  assert.equal(r.verify.expectedInstallations, counts.expectedInstallations);
}

describe('a site that changes while it is read', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack?.stop());

  for (const engine of storeEngines()) {
    describe(`on ${engine.name}`, () => {
      let f: StoreAndWorker;
      before(async () => {
        f = await startStoreAndWorker(stack, engine);
      });
      after(() => f?.stop());

      it('finds every device an offset shift hid and flags every gone device in one run (full, continued as new)', async (t) => {
        const site = stack.emulator.addSite({ name: siteName('churn'), devices: 1500, seed: 19 });
        const job = jobFor(site, { pageSize: 50, pageConcurrency: 4, requestsPerSecond: 5000 });
        await f.run(job); // the first import, on a still site
        site.setChurn({
          afterListCalls: 10,
          add: 40,
          deleteFirst: { count: 25, within: 250 },
          deleteListedRate: 1 / 97,
        });
        // Full, so every listed device's detail is read; continue-as-new in the pass and the sweep.
        const r = await f.run(job, { full: true, continueAsNewAfterPages: 20 });
        const log = site.churnLog();
        assert.equal(log.fired, true);
        assert.ok(
          log.deleted.length > 25,
          `${log.deleted.length} deleted: 25 from the first pages and some while listed`,
        );
        assert.equal(r.outcome, 'succeeded', r.message);
        assert.ok(r.listing && r.listing.sweeps >= 1, 'the moved list was read again');
        assert.ok(r.listing.foundBySweeps > 0, 'the sweep found devices the shift had hidden');
        assert.ok(r.retire.flaggedGone! > 0, 'devices gone between listing and detail flagged by their page');
        const stored = log.deleted.filter((id) => !log.added.includes(id));
        const addedLeft = log.added.filter((id) => !log.deleted.includes(id));
        assert.equal(r.retire.flaggedMissing, stored.length, 'every deleted (stored) device flagged once');
        assert.equal(r.counts.added, addedLeft.length, 'the added devices imported in the same run');
        await assertStoreMatchesSite(f, site, job, log.deleted);
        await assertReportIsStore(f, job, r);
        assert.ok(r.verify.ok, r.message);
        assert.equal(exitCodeForRun({ ok: true, report: r }), ExitCode.ok);
        t.diagnostic(`full run: ${r.message}`);

        const again = await f.run(job); // nothing changes any more
        assert.equal(again.retire.flaggedMissing, 0);
        assert.equal(again.listing?.sweeps, 0);
        assert.ok(again.verify.ok, again.message);
        assert.equal(exitCodeForRun({ ok: true, report: again }), ExitCode.ok);
        await assertStoreMatchesSite(f, site, job, log.deleted);
      });

      it("issue 19's site: a first import while it changes converges in one run; the second is exit 0", async (t) => {
        // 3,000 devices; after the 30th list call 40 appear and 25 are deleted from the first
        // pages; one device in 97 is deleted between its listing and its detail.
        const site = stack.emulator.addSite({ name: siteName('issue19'), devices: 3000, seed: 19 });
        site.setChurn({
          afterListCalls: 30,
          add: 40,
          deleteFirst: { count: 25, within: 500 },
          deleteListedRate: 1 / 97,
        });
        const job = jobFor(site, { pageSize: 50, pageConcurrency: 4, requestsPerSecond: 5000 });
        const r = await f.run(job);
        const log = site.churnLog();
        assert.ok(r.listing && r.listing.gone > 0, 'some devices vanished while read');
        assert.ok(r.listing.sweeps >= 1 && r.listing.foundBySweeps > 0, 'the shifted devices found');
        assert.equal(r.verify.skippedDevices, 0, 'nothing present was set aside');
        await assertStoreMatchesSite(f, site, job, log.deleted);
        await assertReportIsStore(f, job, r);
        assert.ok(r.verify.ok, r.message);
        assert.equal(exitCodeForRun({ ok: true, report: r }), ExitCode.ok);
        t.diagnostic(`run 1: ${r.message}; deleted ${log.deleted.length}, added ${log.added.length}`);

        const again = await f.run(job); // nothing changes any more
        assert.equal(again.retire.flaggedMissing, 0);
        assert.ok(again.verify.ok, again.message);
        assert.equal(exitCodeForRun({ ok: true, report: again }), ExitCode.ok);
        await assertStoreMatchesSite(f, site, job, log.deleted);
      });

      it('on a site that changes during every run, flags every device deleted before the run and no present one', async () => {
        const site = stack.emulator.addSite({ name: siteName('moving'), devices: 600, seed: 29 });
        const job = jobFor(site, { pageSize: 50, pageConcurrency: 2, requestsPerSecond: 400 });
        await f.run(job);
        const deleted: string[] = [];
        let step = 0;
        const churn = setInterval(() => {
          // A few devices a "minute": one added and one deleted, spread over the list.
          const ids = site.deviceIds();
          const victim = ids[(step++ * 37) % ids.length];
          if (victim) {
            site.deleteDevices([victim]);
            deleted.push(victim);
          }
          site.addDevices(1);
        }, 40);
        try {
          for (let run = 0; run < 3; run++) {
            const before = [...deleted];
            const r = await f.run(job);
            assert.notEqual(r.outcome, 'failed', r.message);
            const rows = await recordsOf(f.store as SqlSyncStore, job.id);
            const live = new Set(
              rows.filter((x) => x.missing_from_alloyscan === 0).map((x) => x.alloyscan_id),
            );
            const stale = before.filter((id) => live.has(id));
            assert.deepEqual(stale, [], `run ${run + 1}: every device deleted before it started is flagged`);
            const present = new Set(site.deviceIds());
            const wrong = rows.filter((x) => x.missing_from_alloyscan === 1 && present.has(x.alloyscan_id));
            assert.deepEqual(wrong, [], `run ${run + 1}: no present device is flagged`);
          }
        } finally {
          clearInterval(churn);
        }
      });
    });
  }
});
