/**
 * The sync into Alloy Navigator Express, end to end with real parts: the dev server, the
 * AlloyScan emulator, the Navigator emulator (over HTTP), the real activities and client, the
 * state store on SQLite and on PostgreSQL. Navigator is compared with the state store (itself
 * checked against AlloyScan by the run's verify) record by record.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { serialKey, type SqlSyncStore } from '../../activities/store';
import type { NavigatorKind } from '../../common/domain';
import type { NavigatorConfig, RunReport, SyncJobConfig } from '../../common/sync-types';
import type { EmulatedSite } from '../../emulator';
import { startNavigatorEmulator, type NavigatorEmulator } from '../../emulator/navigator';
import { navigatorSchema } from '../../ops/config-schema';
import { forceSync } from '../../ops/force-sync';
import { storeEngines } from '../helpers/stores';
import { startStack, type Stack } from '../helpers/sync-fixture';
import { jobFor, siteName, startTestWorker, type RunningTestWorker } from '../helpers/sync-harness';

const DEVICES = 400;
const CLASS: Record<NavigatorKind, string> = { computer: 'Computers', hardware: 'InventoryItems' };

type NavRecord = Record<string, string | null>;

function liveRecords(nav: NavigatorEmulator, kind: NavigatorKind): NavRecord[] {
  const store = nav.store.byName(CLASS[kind]);
  assert.ok(store, `class ${CLASS[kind]}`);
  return [...store.all()].filter((r) => r.Status !== 'Retired');
}

async function admin(nav: NavigatorEmulator, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${nav.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `${path}: ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as Record<string, unknown>;
}

for (const engine of storeEngines()) {
  describe(`sync into Navigator (${engine.name})`, () => {
    let stack: Stack;
    let nav: NavigatorEmulator;
    let store: SqlSyncStore;
    let worker: RunningTestWorker;
    let site: EmulatedSite;
    let job: SyncJobConfig;
    let navigator: NavigatorConfig;
    /** Devices deleted in AlloyScan (flagged missing), then restored. */
    let gone: string[] = [];
    const run = async (j: SyncJobConfig): Promise<RunReport> => {
      const h = await forceSync(stack.env.client, j, { taskQueue: worker.taskQueue });
      return (await stack.env.client.workflow.getHandle(h.workflowId).result()) as RunReport;
    };

    before(async () => {
      stack = await startStack();
      nav = await startNavigatorEmulator({ port: 0, seed: 11 });
      process.env.TEST_NAVIGATOR_SECRET = nav.registration.secret;
      navigator = navigatorSchema.parse({
        id: 'hq',
        apiUrl: nav.apiUrl,
        clientId: nav.registration.clientId,
        clientSecret: { env: 'TEST_NAVIGATOR_SECRET' },
        templates: { computer: '301', inventoryItem: '302' },
        actions: {
          updateComputer: '401',
          updateInventoryItem: '402',
          markMissing: { computer: '405', inventoryItem: '406' },
          clearMissing: { computer: '407', inventoryItem: '408' },
        },
        requestsPerSecond: 2000,
        concurrency: 8,
      });
      store = await engine.open();
      worker = await startTestWorker(stack.env, store, undefined, { navigators: [navigator] });
      const name = siteName('nav');
      site = stack.emulator.addSite({ name, seed: 21, devices: DEVICES });
      job = jobFor(site, { navigator: 'hq', pageSize: 50, pageConcurrency: 3, onRetire: 'delete' });
    });
    after(async () => {
      await worker?.stop();
      await store?.close();
      await engine.cleanup();
      await nav?.close();
      await stack?.stop();
    });

    /** Every live state record of the job has exactly one live Navigator record, fields as mapped. */
    async function assertNavigatorMatchesState(): Promise<{ records: number }> {
      let records = 0;
      for (const kind of ['computer', 'hardware'] as const) {
        const state = (await store.listRecords(kind, job.id)).filter(
          (r) => r.status !== 'Retired' && !r.missingFromAlloyScan,
        );
        const byDevice = new Map<string, NavRecord[]>();
        for (const r of liveRecords(nav, kind)) {
          const id = r.Audit_ID;
          if (!id) continue;
          byDevice.set(id, [...(byDevice.get(id) ?? []), r]);
        }
        for (const s of state) {
          const found = byDevice.get(s.sourceId ?? '') ?? [];
          assert.equal(found.length, 1, `${kind} ${s.sourceId}: ${found.length} live Navigator records`);
          const n = found[0]!;
          assert.equal(n.Name, s.name, `${s.sourceId} Name`);
          if (serialKey(s.serialNumber))
            assert.equal(n.Serial_Num, s.serialNumber, `${s.sourceId} Serial_Num`);
          records++;
        }
        const devicesOfJob = new Set(state.map((s) => s.sourceId));
        for (const [id, rs] of byDevice)
          if (devicesOfJob.has(id)) assert.equal(rs.length, 1, `duplicates of ${id}`);
      }
      return { records };
    }

    it('imports a site under faults: one live record per device, Computers Auto-Added, hand-made records adopted untouched', async () => {
      // Hand-made records a person entered before the sync: matched by name + serial, by serial, by MAC + name.
      const probe = await run({ ...job, navigator: undefined, id: `${job.id}-probe` });
      assert.equal(probe.outcome, 'succeeded');
      const devices = (await store.listRecords('computer', `${job.id}-probe`)).filter(
        (r) => serialKey(r.serialNumber) && r.macAddress && r.name,
      );
      const [a, b, c] = devices;
      assert.ok(a && b && c, 'three computers with a serial and a MAC');
      const hand = async (fields: Record<string, string>) =>
        (await admin(nav, '/admin/records', {
          class: 'Computers',
          fields: { Status: 'In Use', Notes: 'entered by hand', Location: 'HQ-3', ...fields },
        })) as { oid: string };
      const h1 = await hand({ Name: a.name!, Serial_Num: a.serialNumber! });
      const h2 = await hand({ Name: 'OLD-NAME', Serial_Num: b.serialNumber! });
      const h3 = await hand({ Name: c.name!, MAC_Address: c.macAddress!.toUpperCase() });

      nav.setFaults({
        seed: 3,
        rate5xx: 0.02,
        rateDrop: 0.01,
        rate429: 0.02,
        retryAfterSeconds: 0,
        rateLostAnswer: 0.03,
        tokenTtlSeconds: 2,
      });
      nav.resetCounters();
      const report = await run(job);
      nav.setFaults({});
      assert.equal(report.outcome, 'succeeded', report.message);
      const n = report.navigator;
      assert.ok(n, 'the report has a Navigator part');
      assert.ok(n.verify.ok, `Navigator verify: ${JSON.stringify(n.verify)}`);
      assert.equal(n.verify.duplicates, 0);
      const { records } = await assertNavigatorMatchesState();
      assert.equal(records, report.verify.importedDevices, 'one Navigator record per imported device');
      assert.equal(n.created + Object.values(n.adopted).reduce((x, y) => x + y, 0), records);
      assert.equal(n.adopted.nameSerial, 1);
      assert.equal(n.adopted.serial, 1);
      assert.equal(n.adopted.macName, 1);
      const counters = nav.counters();
      assert.ok(counters.lostAnswers > 0, 'some answers were lost after their write committed');
      assert.equal(
        n.created + (n.adopted.lostAnswer ?? 0),
        (counters.creates.Computers ?? 0) + (counters.creates.InventoryItems ?? 0),
        'every committed create is linked once: created, or found again after its answer was lost',
      );
      for (const h of [h1, h2, h3]) {
        const r = nav.store.findObject(h.oid)!.record;
        assert.equal(r.Notes, 'entered by hand', `${h.oid} Notes untouched`);
        assert.equal(r.Location, 'HQ-3', `${h.oid} Location untouched`);
        assert.equal(r.Status, 'In Use', `${h.oid} keeps its status`);
        assert.ok(r.Audit_ID, `${h.oid} now carries the device id`);
      }
      const created = liveRecords(nav, 'computer').filter((r) => r.Audit_ID && r.Notes !== 'entered by hand');
      assert.ok(
        created.every((r) => r.Status === 'Auto-Added'),
        'created Computers are Auto-Added',
      );
      assert.ok(
        liveRecords(nav, 'hardware').every((r) => r.Type === 'Computer Peripheral'),
        'Inventory Items get the template Type',
      );
    });

    it('makes zero write calls on a no-change rerun', async () => {
      nav.resetCounters();
      const report = await run(job);
      assert.equal(report.outcome, 'succeeded', report.message);
      const counters = nav.counters();
      assert.equal(counters.create, 0, 'no create');
      assert.equal(counters.action, 0, 'no step action');
      assert.equal(report.navigator?.writeCalls, 0);
      assert.equal(report.navigator?.updated, 0);
      assert.ok(report.navigator?.verify.ok);
    });

    it('updates exactly the devices that changed', async () => {
      const changed = site.deviceIds().filter((_, i) => i % 97 === 5);
      site.reaudit(changed);
      nav.resetCounters();
      const report = await run(job);
      assert.equal(report.outcome, 'succeeded', report.message);
      const counters = nav.counters();
      assert.equal(counters.create, 0);
      assert.equal(counters.action, changed.length, 'one step action per changed device');
      assert.equal(report.navigator?.updated, changed.length);
      await assertNavigatorMatchesState();
    });

    it('creates again, in the same run, a linked record deleted from Navigator (not retired)', async () => {
      const pick = (kind: NavigatorKind) => liveRecords(nav, kind).find((r) => r.Audit_ID && r.OID)!;
      const deleted = [pick('computer'), pick('hardware')];
      for (const r of deleted) await admin(nav, `/admin/records/${r.OID}/delete`, {});
      for (const r of deleted) assert.equal(nav.store.findObject(r.OID!), undefined, `${r.OID} deleted`);
      site.reaudit([deleted[1]!.Audit_ID!]); // one device changed as well, one not
      nav.resetCounters();
      const report = await run(job);
      assert.equal(report.outcome, 'succeeded', report.message);
      const n = report.navigator!;
      assert.equal(n.recreated, 2, 'both records created again');
      assert.equal(n.created, 2, 'and nothing else created');
      assert.equal(n.refused, 0, 'nothing quarantined');
      assert.ok(n.verify.ok, `Navigator verify: ${JSON.stringify(n.verify)}`);
      assert.equal(nav.counters().create, 2);
      for (const r of deleted) {
        const now = [...liveRecords(nav, 'computer'), ...liveRecords(nav, 'hardware')].filter(
          (x) => x.Audit_ID === r.Audit_ID,
        );
        assert.equal(now.length, 1, `${r.Audit_ID}: one live record`);
        assert.notEqual(now[0]!.OID, r.OID, `${r.Audit_ID}: a new record`);
      }
      await assertNavigatorMatchesState();
      const again = await run(job);
      assert.equal(again.navigator?.writeCalls, 0, 'made once');
      assert.equal(again.navigator?.recreated, 0);
    });

    it('deletes in AlloyScan once what a Navigator user retired, and flags (never retires) what AlloyScan lost', async () => {
      const computers = liveRecords(nav, 'computer').filter((r) => r.Audit_ID);
      const retired = computers.slice(0, 3);
      for (const r of retired) await admin(nav, `/admin/records/${r.OID}/retire`, {});
      gone = site
        .deviceIds()
        .filter((id) => !retired.some((r) => r.Audit_ID === id))
        .slice(10, 12);
      site.deleteDevices(gone);
      const report = await run(job);
      assert.equal(report.outcome, 'succeeded', report.message);
      assert.equal(report.retire.writeBackDeleted, 3);
      for (const r of retired)
        assert.ok(!site.deviceIds().includes(r.Audit_ID!), `${r.Audit_ID} deleted in AlloyScan`);
      assert.equal(report.retire.flaggedMissing, 2);
      assert.equal(report.navigator?.markedMissing, 2);
      for (const id of gone) {
        const rs = [...liveRecords(nav, 'computer'), ...liveRecords(nav, 'hardware')].filter(
          (r) => r.Audit_ID === id,
        );
        assert.equal(rs.length, 1, `${id} still one live record`);
        assert.equal(rs[0]!.Status, 'Missing', `${id} flagged by the markMissing action`);
      }
      const again = await run(job);
      assert.equal(again.retire.writeBackDeleted, 0, 'deleted once');
      assert.equal(again.navigator?.writeCalls, 0);
    });

    it('takes the missing flag off a device that comes back (clearMissing), with its changed fields', async () => {
      assert.equal(gone.length, 2);
      assert.equal(site.restoreDevices(gone), 2, 'both devices back in AlloyScan');
      nav.resetCounters();
      const report = await run(job);
      assert.equal(report.outcome, 'succeeded', report.message);
      const n = report.navigator!;
      assert.equal(n.unflagged, 2, 'two flags taken off');
      assert.equal(n.markedMissing, 0);
      assert.equal(n.created, 0, 'the records are kept, not made anew');
      assert.equal(n.recreated, 0);
      const counters = nav.counters();
      assert.equal(counters.create, 0);
      assert.equal(
        counters.action,
        2 + n.updated,
        'one clearMissing per device, an update only if its fields changed',
      );
      assert.equal(n.writeCalls, counters.action);
      for (const id of gone) {
        const rs = [...liveRecords(nav, 'computer'), ...liveRecords(nav, 'hardware')].filter(
          (r) => r.Audit_ID === id,
        );
        assert.equal(rs.length, 1, `${id} one live record`);
        assert.equal(rs[0]!.Status, 'Active', `${id} no longer Missing`);
        assert.equal(rs[0]!.Missing_Since, null, `${id} Missing_Since cleared`);
      }
      await assertNavigatorMatchesState();
      const again = await run(job);
      assert.equal(again.navigator?.writeCalls, 0, 'unflagged once');
      assert.equal(again.navigator?.unflagged, 0);
    });
  });
}
