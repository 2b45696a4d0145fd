/**
 * Discovered Installations into Navigator's Software Installations class, end to end with real
 * parts (dev server, both emulators over HTTP, the real activities, SQLite and PostgreSQL). The
 * Navigator emulator's Software Catalog holds most of the AlloyScan site's products (some left
 * out, some in another letter case): Navigator must end up with exactly one installation record
 * per (linked device, catalogued product), the report's counts must be Navigator's, and the
 * rest must be counted as not written with their reason.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SqlSyncStore } from '../../activities/store';
import type { NavigatorConfig, NavigatorReport, RunReport, SyncJobConfig } from '../../common/sync-types';
import type { EmulatedSite } from '../../emulator';
import { startNavigatorEmulator, type NavigatorEmulator } from '../../emulator/navigator';
import { Site } from '../../emulator/site';
import { navigatorSchema } from '../../ops/config-schema';
import { forceSync } from '../../ops/force-sync';
import { storeEngines } from '../helpers/stores';
import { startStack, type Stack } from '../helpers/sync-fixture';
import { jobFor, siteName, startTestWorker, type RunningTestWorker } from '../helpers/sync-harness';

const DEVICES = 150;
const TRACKED = ['Required', 'Regular'];

const ref = (v: string | null | undefined): string => (v ?? '').replace(/^\{|\}$/g, '').toLowerCase();

function navConfig(id: string, nav: NavigatorEmulator, installations: boolean): NavigatorConfig {
  process.env[`TEST_NAV_SECRET_${id}`] = nav.registration.secret;
  return navigatorSchema.parse({
    id,
    apiUrl: nav.apiUrl,
    clientId: nav.registration.clientId,
    clientSecret: { env: `TEST_NAV_SECRET_${id}` },
    ...(installations && { classes: { softwareInstallation: 'SoftwareInstallations' } }),
    templates: {
      computer: '301',
      inventoryItem: '302',
      ...(installations && { softwareInstallation: '304' }),
    },
    actions: { updateComputer: '401', updateInventoryItem: '402' },
    requestsPerSecond: 2000,
    concurrency: 6,
  });
}

for (const engine of storeEngines()) {
  describe(`installations into Navigator (${engine.name})`, () => {
    let stack: Stack;
    let nav: NavigatorEmulator;
    let plainNav: NavigatorEmulator;
    let store: SqlSyncStore;
    let worker: RunningTestWorker;
    let site: EmulatedSite;
    let catalog: Site['catalog'];
    let job: SyncJobConfig;
    const run = async (j: SyncJobConfig): Promise<RunReport> => {
      const h = await forceSync(stack.env.client, j, { taskQueue: worker.taskQueue });
      return (await stack.env.client.workflow.getHandle(h.workflowId).result()) as RunReport;
    };
    const installationsOf = (n: NavigatorReport | undefined) => {
      assert.ok(n?.installations, 'the report has an installations part');
      return n.installations;
    };

    before(async () => {
      stack = await startStack();
      site = stack.emulator.addSite({ name: siteName('inst'), seed: 31, devices: DEVICES });
      assert.ok(site instanceof Site, 'the emulator serves a Site (its catalog is the ground truth)');
      catalog = site.catalog;
      // Every fourth product is not in Navigator's catalog; every third is spelled in upper case.
      const products = catalog
        .filter((p) => p.index % 4 !== 3)
        .map((p) => ({
          Product_Name: p.index % 3 === 0 ? p.name.toUpperCase() : p.name,
          Version: p.version,
          Manufacturer: p.publisher,
        }));
      nav = await startNavigatorEmulator({ port: 0, seed: 12, softwareInstallations: true, products });
      plainNav = await startNavigatorEmulator({ port: 0, seed: 13 });
      store = await engine.open();
      worker = await startTestWorker(stack.env, store, undefined, {
        navigators: [navConfig('inst', nav, true), navConfig('plain', plainNav, false)],
      });
      job = jobFor(site, { navigator: 'inst', pageSize: 50, pageConcurrency: 3, trackedGroups: TRACKED });
    });
    after(async () => {
      await worker?.stop();
      await store?.close();
      await engine.cleanup();
      await nav?.close();
      await plainNav?.close();
      await stack?.stop();
    });

    /** What Navigator should hold: `computer OID|product GUID` per stored installation of a catalogued product. */
    async function expected(): Promise<{ pairs: Map<string, string | undefined>; notInCatalog: number }> {
      const navCatalog = new Map(
        [...nav.store.byName('SoftwareProducts')!.all()].map((p) => [
          `${String(p.Product_Name).toLowerCase()}|${p.Version}`,
          ref(p.ID),
        ]),
      );
      const products = new Map(catalog.map((p) => [p.id, p]));
      const computers = new Map<string, string>();
      for (const cls of ['Computers', 'InventoryItems'])
        for (const r of nav.store.byName(cls)!.all()) if (r.Audit_ID) computers.set(r.Audit_ID, ref(r.OID));
      const pairs = new Map<string, string | undefined>();
      let notInCatalog = 0;
      for (const kind of ['computer', 'hardware'] as const)
        for (const r of await store.listRecords(kind, job.id)) {
          if (r.status === 'Retired' || r.missingFromAlloyScan) continue;
          const computer = computers.get(r.sourceId ?? '');
          assert.ok(computer, `${r.sourceId} has a Navigator record`);
          for (const i of await store.listInstallations(kind, r.id)) {
            const p = products.get(i.product_id);
            const guid = p && navCatalog.get(`${p.name.toLowerCase()}|${p.version}`);
            if (guid) pairs.set(`${computer}|${guid}`, i.version ?? undefined);
            else notInCatalog++;
          }
        }
      return { pairs, notInCatalog };
    }

    /** Navigator's installation records, by `Computer|Product`. */
    function navigatorPairs(): Map<string, Record<string, string | null>[]> {
      const out = new Map<string, Record<string, string | null>[]>();
      for (const r of nav.store.byName('SoftwareInstallations')!.all()) {
        const key = `${ref(r.Computer)}|${ref(r.Product)}`;
        out.set(key, [...(out.get(key) ?? []), r]);
      }
      return out;
    }

    /** Version is written with the create only (no step action for the class): checked after the first import. */
    async function assertNavigatorHoldsExactly(label: string, versions = false): Promise<number> {
      const want = await expected();
      const have = navigatorPairs();
      for (const [pair, version] of want.pairs) {
        const rs = have.get(pair) ?? [];
        assert.equal(rs.length, 1, `${label}: ${pair} has ${rs.length} installation records`);
        if (versions && version !== undefined)
          assert.equal(rs[0]!.Version, version, `${label}: ${pair} Version`);
      }
      return want.pairs.size;
    }

    it('writes one record per linked device and catalogued product, under lost answers', async (t) => {
      nav.setFaults({ seed: 5, rate5xx: 0.02, rateDrop: 0.01, retryAfterSeconds: 0, rateLostAnswer: 0.04 });
      nav.resetCounters();
      const report = await run(job);
      nav.setFaults({});
      assert.equal(report.outcome, 'succeeded', report.message);
      const n = report.navigator!;
      assert.ok(n.verify.ok, `verify: ${JSON.stringify(n.verify)} ${JSON.stringify(n.installations)}`);
      const inst = installationsOf(n);
      const truth = site.groundTruth({ trackedGroups: report.trackedGroups }).installations;
      assert.equal(report.verify.storedInstallations, truth, 'the store holds AlloyScan ground truth');
      const want = await expected();
      assert.ok(
        want.notInCatalog > 0 && want.pairs.size > 100,
        `a real mix: ${want.pairs.size}/${want.notInCatalog}`,
      );
      assert.equal(want.pairs.size + want.notInCatalog, truth);
      const records = await assertNavigatorHoldsExactly('first import', true);
      const total = [...navigatorPairs().values()].reduce((a, rs) => a + rs.length, 0);
      assert.equal(total, records, 'no record beyond the expected ones');
      assert.equal(inst.created + inst.adopted, records, 'the report counts what Navigator holds');
      assert.deepEqual(inst.notWritten, {
        deviceNotLinked: 0,
        notInCatalog: want.notInCatalog,
        ambiguousProduct: 0,
        refused: 0,
        pending: 0,
      });
      assert.equal(n.installationsNotWritten, want.notInCatalog);
      assert.match(n.installationsReason, /not in Navigator's Software Catalog/);
      assert.deepEqual(inst.verify, { expected: records, found: records, duplicates: 0, ok: true });
      const counters = nav.counters();
      t.diagnostic(
        `first import: ${records} installation records (created ${inst.created}, adopted ${inst.adopted}), ${want.notInCatalog} not in the catalog; ${counters.lostAnswers} answers lost; ${n.writeCalls} write calls of ${n.apiCalls} API calls`,
      );
      assert.ok(counters.lostAnswers > 0, 'some answers were lost after their write committed');
      assert.equal(
        inst.created + inst.adopted,
        counters.creates.SoftwareInstallations,
        'every committed create is linked once: created, or found again after its answer was lost',
      );
    });

    it('makes zero write calls on a no-change rerun', async (t) => {
      nav.resetCounters();
      const report = await run(job);
      assert.equal(report.outcome, 'succeeded', report.message);
      assert.equal(nav.counters().create, 0, 'no create');
      t.diagnostic(
        `no-change rerun: ${report.navigator?.apiCalls} API calls, ${report.navigator?.writeCalls} write calls`,
      );
      assert.equal(report.navigator?.writeCalls, 0);
      const inst = installationsOf(report.navigator);
      assert.equal(inst.created + inst.adopted, 0);
      assert.equal(inst.unchanged, navigatorPairs().size);
      assert.ok(report.navigator?.verify.ok);
    });

    it('finds a create a killed worker never linked, and adopts a record it did not make', async () => {
      const rows = await store.db
        .selectFrom('navigator_installation_links')
        .select(['source_id', 'product_id'])
        .where('job_id', '=', job.id)
        .where('guid', 'is not', null)
        .orderBy('source_id')
        .orderBy('product_id')
        .limit(2)
        .execute();
      const [killed, foreign] = rows;
      assert.ok(killed && foreign);
      // A worker killed after its create was sent: the pending mark committed, the link not.
      await store.db
        .updateTable('navigator_installation_links')
        .set({ guid: null, oid: null, rule: null, pending_since: new Date().toISOString() })
        .where('job_id', '=', job.id)
        .where('source_id', '=', killed.source_id)
        .where('product_id', '=', killed.product_id)
        .execute();
      // A record the sync does not know (made by hand): no link at all.
      await store.db
        .deleteFrom('navigator_installation_links')
        .where('job_id', '=', job.id)
        .where('source_id', '=', foreign.source_id)
        .where('product_id', '=', foreign.product_id)
        .execute();
      nav.resetCounters();
      const report = await run(job);
      assert.equal(report.outcome, 'succeeded', report.message);
      assert.equal(nav.counters().create, 0, 'nothing created again');
      const inst = installationsOf(report.navigator);
      assert.equal(inst.created, 0);
      assert.equal(inst.adopted, 2);
      const rules = await store.db
        .selectFrom('navigator_installation_links')
        .select('rule')
        .where('job_id', '=', job.id)
        .where('linked_run', '=', report.runId)
        .orderBy('rule')
        .execute();
      assert.deepEqual(
        rules.map((r) => r.rule),
        ['adopted', 'lostAnswer'],
      );
      await assertNavigatorHoldsExactly('after the adoptions');
    });

    it('writes new installations of re-audited devices and leaves the removed ones counted', async () => {
      const before = navigatorPairs();
      site.reaudit(site.deviceIds().filter((_, i) => i % 5 === 1));
      nav.resetCounters();
      const report = await run(job);
      assert.equal(report.outcome, 'succeeded', report.message);
      const inst = installationsOf(report.navigator);
      const want = await expected();
      await assertNavigatorHoldsExactly('after re-audits');
      const gone = [...before.keys()].filter((p) => !want.pairs.has(p)).length;
      const added = [...want.pairs.keys()].filter((p) => !before.has(p)).length;
      assert.ok(gone > 0 && added > 0, `re-audits removed ${gone} and added ${added} installations`);
      assert.equal(inst.removedInAlloyScan, gone, 'removed in AlloyScan: counted');
      assert.equal(inst.left, gone);
      assert.equal(navigatorPairs().size, before.size + added, 'removed ones are left in Navigator');
      assert.equal(inst.created, added);
      assert.equal(nav.counters().create, added);
      assert.ok(report.navigator?.verify.ok, JSON.stringify(inst.verify));
    });

    it('writes the installations of a record deleted from Navigator again, for the record created in its place', async () => {
      // A Computer with installations AlloyScan still has and ones the re-audits above removed
      // (Navigator keeps those): only the first kind is written again on the new record.
      const pairs = [...(await expected()).pairs.keys()];
      const held = [...navigatorPairs().keys()];
      const of = (keys: string[], oid: string | null | undefined) =>
        keys.filter((k) => k.startsWith(`${ref(oid)}|`));
      const victim = [...nav.store.byName('Computers')!.all()].find(
        (r) => r.Audit_ID && of(pairs, r.OID).length > 0 && of(held, r.OID).length > of(pairs, r.OID).length,
      );
      assert.ok(victim?.OID, 'a Computer with current installations and removed ones left in Navigator');
      const had = of(pairs, victim.OID).length;
      const res = await fetch(`${nav.url}/admin/records/${victim.OID}/delete`, { method: 'POST' });
      assert.ok(res.ok, await res.text());
      nav.resetCounters();
      const report = await run(job);
      assert.equal(report.outcome, 'succeeded', report.message);
      assert.equal(report.navigator?.recreated, 1, 'the deleted Computer is created again');
      const reborn = [...nav.store.byName('Computers')!.all()].find((r) => r.Audit_ID === victim.Audit_ID);
      assert.ok(reborn?.OID && reborn.OID !== victim.OID, 'a new record with a new OID');
      const inst = installationsOf(report.navigator);
      assert.equal(inst.created, had, 'its installations are written again, on the new record');
      assert.equal(of([...navigatorPairs().keys()], reborn.OID).length, had);
      await assertNavigatorHoldsExactly('after the re-creation');
      assert.ok(report.navigator?.verify.ok, JSON.stringify(report.navigator?.verify));
    });

    it('reports a second record of a linked Computer + Product as a duplicate', async () => {
      // A pair of a Computer still in Navigator: the test before deleted one, and its old
      // installation records still name it.
      const computers = nav.store.byName('Computers')!;
      const pair = [...navigatorPairs().keys()].find((k) => computers.get(k.split('|')[0]!));
      assert.ok(pair, 'an installation record of a Computer still in Navigator');
      const [computer, product] = pair.split('|');
      const res = await fetch(`${nav.url}/admin/records`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          class: 'SoftwareInstallations',
          fields: { Computer: computer, Product: product },
        }),
      });
      assert.ok(res.ok, await res.text());
      const report = await run(job);
      const inst = installationsOf(report.navigator);
      assert.equal(inst.verify.duplicates, 1);
      assert.equal(inst.verify.ok, false);
      assert.equal(report.navigator?.verify.ok, false, 'the Navigator verify fails with it');
    });

    it('counts every installation as not written when the navigator has no installation class', async () => {
      const plain = { ...job, id: `${job.id}-plain`, navigator: 'plain' };
      const report = await run(plain);
      assert.equal(report.outcome, 'succeeded', report.message);
      const n = report.navigator!;
      assert.equal(n.installations, undefined);
      assert.ok(report.verify.storedInstallations > 0);
      assert.equal(n.installationsNotWritten, report.verify.storedInstallations);
      assert.match(
        n.installationsReason,
        /no installation class and Template configured: kept in the sync store/,
      );
    });
  });
}
