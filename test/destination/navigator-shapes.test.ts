/**
 * A Navigator shaped differently where the docs are silent — other URL class names, another
 * virtual directory, other Template and action IDs, pages capped at 37 rows and often shorter,
 * errors answered as HTTP 200 with `success: false`, a device id kept in another field — is
 * written exactly by configuration alone, faults and lost answers included.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SqlSyncStore } from '../../activities/store';
import type { RunReport } from '../../common/sync-types';
import { startNavigatorEmulator, type NavigatorEmulator } from '../../emulator/navigator';
import { navigatorSchema } from '../../ops/config-schema';
import { forceSync } from '../../ops/force-sync';
import { storeEngines } from '../helpers/stores';
import { startStack, type Stack } from '../helpers/sync-fixture';
import { jobFor, siteName, startTestWorker, type RunningTestWorker } from '../helpers/sync-harness';

const engine = storeEngines()[0]!; // SQLite: the shape is the Navigator's, not the store's

describe('a Navigator shaped differently, by configuration alone', () => {
  let stack: Stack;
  let nav: NavigatorEmulator;
  let store: SqlSyncStore;
  let worker: RunningTestWorker;

  before(async () => {
    stack = await startStack();
    nav = await startNavigatorEmulator({
      port: 0,
      seed: 4,
      basePath: '/navapi',
      classes: { computer: 'Workstations', inventoryItem: 'Hardware' },
      templates: { computer: '9001', inventoryItem: '9002' },
      actions: { updateComputer: '9101', updateInventoryItem: '9102' },
      pageCap: 37,
      shortPageRate: 0.3,
      errorsAsHttp200: true,
      faults: { seed: 9, rate5xx: 0.02, rateLostAnswer: 0.05, tokenTtlSeconds: 3 },
    });
    process.env.TEST_SHAPED_NAVIGATOR_SECRET = nav.registration.secret;
    store = await engine.open();
    worker = await startTestWorker(stack.env, store, undefined, {
      navigators: [
        navigatorSchema.parse({
          id: 'other',
          apiUrl: nav.apiUrl,
          clientId: nav.registration.clientId,
          clientSecret: { env: 'TEST_SHAPED_NAVIGATOR_SECRET' },
          classes: { computer: 'Workstations', inventoryItem: 'Hardware' },
          templates: { computer: '9001', inventoryItem: '9002' },
          actions: { updateComputer: '9101', updateInventoryItem: '9102' },
          deviceIdField: 'Notes',
          fields: { Audit_ID: { from: null } },
          pageSize: 500,
          requestsPerSecond: 2000,
          concurrency: 6,
        }),
      ],
    });
  });
  after(async () => {
    await worker?.stop();
    await store?.close();
    await engine.cleanup();
    await nav?.close();
    await stack?.stop();
  });

  it('imports, then reruns without a write, with the device id in another field', async () => {
    const site = stack.emulator.addSite({ name: siteName('shaped'), seed: 12, devices: 250 });
    const job = jobFor(site, { navigator: 'other', pageSize: 40, pageConcurrency: 3 });
    const run = async (): Promise<RunReport> => {
      const h = await forceSync(stack.env.client, job, { taskQueue: worker.taskQueue });
      return (await stack.env.client.workflow.getHandle(h.workflowId).result()) as RunReport;
    };
    const first = await run();
    assert.equal(first.outcome, 'succeeded', first.message);
    assert.ok(first.navigator?.verify.ok, JSON.stringify(first.navigator?.verify));
    const live = [...nav.store.byName('Workstations')!.all(), ...nav.store.byName('Hardware')!.all()];
    const ids = live.map((r) => r.Notes).filter((v): v is string => !!v);
    assert.equal(ids.length, first.verify.importedDevices, 'one record per device, its id in Notes');
    assert.equal(new Set(ids).size, ids.length, 'no device id twice');
    assert.ok(
      live.every((r) => !r.Audit_ID),
      'the dropped default mapping wrote nothing',
    );
    assert.ok(nav.counters().lostAnswers > 0, 'answers were lost after commits');
    nav.setFaults({});
    nav.resetCounters();
    const again = await run();
    assert.equal(again.outcome, 'succeeded', again.message);
    assert.equal(nav.counters().create + nav.counters().action, 0, 'no write on a no-change rerun');
    assert.ok(again.navigator?.verify.ok);
  });
});
