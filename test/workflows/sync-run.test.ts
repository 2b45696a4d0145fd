import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunReport, SyncJobConfig } from '../../common/sync-types';
import { storeEngines } from '../helpers/stores';
import { jobFor, siteName } from '../helpers/sync-harness';
import { startStack, startStoreAndWorker, type Stack, type StoreAndWorker } from '../helpers/sync-fixture';

describe('sync run', () => {
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
      const run = (job: SyncJobConfig, opts: { full?: boolean; dryRun?: boolean } = {}): Promise<RunReport> =>
        f.run(job, opts);

      it('imports a 2,000-device site with exact counts, writes nothing on an unchanged re-run, and re-reads only audited devices', async () => {
        const site = stack.emulator.addSite({
          name: siteName('big'),
          seed: 11,
          devices: 2000,
          installationsPerDevice: 6,
        });
        const job = jobFor(site, { pageSize: 250, pageConcurrency: 3 });
        const truth = site.groundTruth();

        const first = await run(job);
        assert.equal(first.outcome, 'succeeded');
        assert.equal(first.full, true);
        assert.equal(first.counts.added, 2000);
        assert.equal(first.verify.sourceDevices, 2000);
        assert.equal(first.verify.importedDevices, truth.devices);
        assert.equal(first.verify.storedInstallations, truth.installations);
        assert.equal(first.verify.expectedInstallations, truth.installations);
        assert.ok(first.verify.ok, first.message);
        assert.equal(first.complete, true);

        site.resetStats();
        const second = await run(job);
        assert.equal(second.full, false);
        assert.equal(second.counts.added + second.counts.updated, 0);
        assert.equal(second.counts.installationsAdded + second.counts.installationsRemoved, 0);
        assert.equal(second.counts.unchanged, 2000);
        assert.equal(site.stats().requests['devices.get'] ?? 0, 0);
        assert.match(second.message, /no changes: nothing written/);

        const changed = site.deviceIds().filter((_, i) => i % 100 === 7); // 1% of devices
        site.reaudit(changed);
        site.resetStats();
        const third = await run(job);
        assert.equal(third.counts.detailsRead, changed.length);
        assert.equal(site.stats().requests['devices.get'], changed.length);
        assert.equal(third.counts.updated, changed.length);
        assert.equal(third.verify.storedInstallations, site.groundTruth().installations);
        assert.ok(third.verify.ok, third.message);
      });

      it('stores the Discovered Installations each import option and the tracking flags call for', async () => {
        const site = stack.emulator.addSite({ name: siteName('opts'), seed: 5, devices: 300 });
        const cases: [SyncJobConfig['importSoftware'], string[] | undefined][] = [
          [{ mode: 'none' }, []],
          [{ mode: 'selected', platforms: ['Linux', 'macOS'] }, ['Linux', 'macOS']],
          [{ mode: 'all' }, undefined],
        ];
        for (const [importSoftware, platforms] of cases) {
          const r = await run(jobFor(site, { importSoftware }));
          const truth = site.groundTruth({ platforms });
          assert.equal(r.verify.storedInstallations, truth.installations, JSON.stringify(importSoftware));
          assert.equal(r.verify.importedDevices, truth.devices);
          assert.equal(r.full, true, 'a changed import option forces a full pass');
        }
        site.setTracking('Regular', true);
        const tracked = await run(jobFor(site));
        assert.deepEqual([...tracked.trackedGroups].sort(), ['Regular', 'Required']);
        assert.equal(tracked.trackedGroupsSource, 'site');
        assert.equal(tracked.verify.storedInstallations, site.groundTruth().installations);
        assert.ok(tracked.verify.storedInstallations > 0);
      });

      it('falls back to the job’s tracked groups on a site without the software-groups endpoint', async () => {
        const site = stack.emulator.addSite({
          name: siteName('nogroups'),
          seed: 9,
          devices: 120,
          softwareGroupsEndpoint: false,
          tokenPaths: ['legacy'],
        });
        const r = await run(
          jobFor(site, {
            trackedGroups: ['Required', 'Forbidden'],
            tokenPath: '/identity-server/connect/token',
          }),
        );
        assert.equal(r.trackedGroupsSource, 'config');
        assert.equal(
          r.verify.storedInstallations,
          site.groundTruth({ trackedGroups: ['Required', 'Forbidden'] }).installations,
        );
      });
    });
  }
});
