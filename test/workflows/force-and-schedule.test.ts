import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { forceSync } from '../../ops/force-sync';
import { scheduleId, upsertSchedule } from '../../ops/schedules';
import type { RunReport, SyncProgress } from '../../common/sync-types';
import { storeEngines } from '../helpers/stores';
import { jobFor, siteName, waitForPages } from '../helpers/sync-harness';
import { startStack, startStoreAndWorker, type Stack, type StoreAndWorker } from '../helpers/sync-fixture';

const [sqlite] = storeEngines();

describe('forcing a sync, schedules and dry runs', () => {
  let stack: Stack;
  let f: StoreAndWorker;
  before(async () => {
    stack = await startStack();
    f = await startStoreAndWorker(stack, sqlite!);
  });
  after(async () => {
    await f?.stop();
    await stack?.stop();
  });

  const result = (workflowId: string): Promise<RunReport> =>
    stack.env.client.workflow.getHandle(workflowId).result() as Promise<RunReport>;

  async function runsOf(jobId: string): Promise<RunReport[]> {
    return f.store.listRuns(jobId, 20);
  }

  /** A site slow enough that a run is still in progress when the test signals it. */
  function slowSite(prefix: string) {
    return stack.emulator.addSite({
      name: siteName(prefix),
      devices: 150,
      seed: 8,
      faults: { slowRate: 1, slowMs: 60 },
    });
  }

  it('starts a manual run when idle', async () => {
    const site = stack.emulator.addSite({ name: siteName('idle'), devices: 40 });
    const job = jobFor(site);
    const res = await forceSync(stack.env.client, job, { taskQueue: f.taskQueue });
    assert.equal(res.action, 'started');
    assert.match(res.workflowId, new RegExp(`^sync-${job.id}-manual-`));
    const report = await result(res.workflowId);
    assert.equal(report.trigger, 'manual');
    assert.equal(report.outcome, 'succeeded');
    const desc = await stack.env.client.workflow.getHandle(res.workflowId).describe();
    assert.deepEqual(desc.searchAttributes.SyncTrigger, ['manual']);
    assert.deepEqual(desc.searchAttributes.SyncOutcome, ['succeeded']);
    assert.deepEqual(desc.searchAttributes.JobId, [job.id]);
  });

  it('signals a running run, and two forces while running give exactly one follow-up full pass', async () => {
    const site = slowSite('busy');
    const job = jobFor(site, { pageSize: 25, pageConcurrency: 1 });
    const first = await forceSync(stack.env.client, job, { taskQueue: f.taskQueue });
    const handle = stack.env.client.workflow.getHandle(first.workflowId);
    await waitForPages(handle, 1);
    const f1 = await forceSync(stack.env.client, job, { taskQueue: f.taskQueue });
    const f2 = await forceSync(stack.env.client, job, { taskQueue: f.taskQueue });
    assert.equal(f1.action, 'signalled');
    assert.equal(f2.action, 'signalled');
    assert.equal(f1.workflowId, first.workflowId);
    assert.equal((await handle.query<SyncProgress>('progress')).pendingForce, true);
    const followUp = await result(first.workflowId); // follows the continue-as-new chain
    assert.equal(followUp.trigger, 'manual');
    assert.equal(followUp.full, true);
    const runs = await runsOf(job.id);
    assert.equal(runs.length, 2, 'the first pass and one follow-up');
    const desc = await handle.describe();
    assert.deepEqual(
      desc.searchAttributes.JobId,
      [job.id],
      'the follow-up keeps its job in the Web UI filters',
    );
    assert.deepEqual(desc.searchAttributes.SyncTrigger, ['manual']);
  });

  it('two forces in the same second make one run with one follow-up; a dry run while busy starts nothing', async () => {
    const site = slowSite('same-second');
    const job = jobFor(site, { pageSize: 25, pageConcurrency: 1 });
    const now = new Date();
    const a = await forceSync(stack.env.client, job, { taskQueue: f.taskQueue, now });
    const b = await forceSync(stack.env.client, job, { taskQueue: f.taskQueue, now });
    assert.equal(a.action, 'started');
    assert.equal(b.action, 'signalled');
    assert.equal(b.workflowId, a.workflowId);
    const busy = await forceSync(stack.env.client, job, { taskQueue: f.taskQueue, dryRun: true });
    assert.equal(busy.action, 'busy');
    await result(a.workflowId);
    assert.equal((await runsOf(job.id)).length, 2, 'the run and its follow-up; the dry run started nothing');
  });

  it('runs a forced sync while the schedule is paused', async () => {
    const site = stack.emulator.addSite({ name: siteName('paused'), devices: 30 });
    const job = jobFor(site, { enabled: false });
    assert.equal(await upsertSchedule(stack.env.client, job, { taskQueue: f.taskQueue }), 'created');
    const desc = await stack.env.client.schedule.getHandle(scheduleId(job.id)).describe();
    assert.equal(desc.state.paused, true);
    const res = await forceSync(stack.env.client, job, { taskQueue: f.taskQueue });
    assert.equal((await result(res.workflowId)).outcome, 'succeeded');
    assert.equal(
      await upsertSchedule(stack.env.client, { ...job, enabled: true }, { taskQueue: f.taskQueue }),
      'updated',
    );
    const after = await stack.env.client.schedule.getHandle(scheduleId(job.id)).describe();
    assert.equal(after.state.paused, false);
    assert.equal(after.policies.overlap, 'SKIP');
  });

  it('creates a schedule once when several workers start at the same moment', async () => {
    const site = stack.emulator.addSite({ name: siteName('three-at-once'), devices: 5 });
    const job = jobFor(site);
    const outcomes = await Promise.all(
      [1, 2, 3].map(() => upsertSchedule(stack.env.client, job, { taskQueue: f.taskQueue })),
    );
    assert.deepEqual(
      { created: outcomes.filter((o) => o === 'created').length, all: outcomes.length },
      { created: 1, all: 3 },
    );
    await stack.env.client.schedule.getHandle(scheduleId(job.id)).delete();
  });

  it('records a scheduled run like a manual one, marked schedule', async () => {
    const site = stack.emulator.addSite({ name: siteName('sched'), devices: 30 });
    const job = jobFor(site);
    await upsertSchedule(stack.env.client, job, { taskQueue: f.taskQueue });
    const handle = stack.env.client.schedule.getHandle(scheduleId(job.id));
    await handle.trigger();
    let wfId: string | undefined;
    await waitFor(async () => {
      wfId = (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId;
      return wfId !== undefined;
    });
    const report = await result(wfId!);
    assert.equal(report.trigger, 'schedule');
    assert.match(wfId!, new RegExp(`^sync-${job.id}-scheduled-`));
  });

  it('a scheduled tick while a manual run is in progress stands down: runs of one job never overlap', async () => {
    const site = slowSite('overlap');
    const job = jobFor(site, { pageSize: 25, pageConcurrency: 1 });
    const manual = await forceSync(stack.env.client, job, { taskQueue: f.taskQueue });
    const handle = stack.env.client.workflow.getHandle(manual.workflowId);
    await waitForPages(handle, 1);
    await upsertSchedule(stack.env.client, job, { taskQueue: f.taskQueue });
    const schedule = stack.env.client.schedule.getHandle(scheduleId(job.id));
    await schedule.trigger();
    let tickId: string | undefined;
    await waitFor(async () => {
      tickId = (await schedule.describe()).info.recentActions[0]?.action.workflow.workflowId;
      return tickId !== undefined;
    });
    const tick = await result(tickId!);
    assert.equal(tick.outcome, 'skipped');
    assert.match(tick.message, new RegExp(manual.workflowId));
    const desc = await stack.env.client.workflow.getHandle(manual.workflowId).describe();
    assert.equal(desc.status.name, 'RUNNING', 'the skipped tick ended while the manual run was still going');
    assert.equal((await result(manual.workflowId)).outcome, 'succeeded');
  });

  it('continues as new mid-pass and still counts exactly', async () => {
    const site = stack.emulator.addSite({ name: siteName('can'), devices: 230, seed: 12 });
    const job = jobFor(site, { pageSize: 20, pageConcurrency: 2 });
    const res = await forceSync(stack.env.client, job, {
      taskQueue: f.taskQueue,
      continueAsNewAfterPages: 4,
    });
    const report = await result(res.workflowId);
    assert.equal(report.counts.added, 230);
    assert.equal(report.pages, 12);
    assert.equal(report.verify.storedInstallations, site.groundTruth().installations);
    assert.ok(report.verify.ok, report.message);
    const executions = [];
    for await (const e of stack.env.client.workflow.list({ query: `WorkflowId = '${res.workflowId}'` }))
      executions.push(e);
    assert.ok(executions.length >= 3, `continued as new (${executions.length} executions)`);
    const desc = await stack.env.client.workflow.getHandle(res.workflowId).describe();
    assert.deepEqual(
      desc.searchAttributes.JobId,
      [job.id],
      'the latest execution keeps its search attributes',
    );
  });

  it('a dry run reports the changes and leaves every inventory table as it was', async () => {
    const site = stack.emulator.addSite({ name: siteName('dry'), devices: 80, seed: 13 });
    const job = jobFor(site, { onRetire: 'delete' });
    await result((await forceSync(stack.env.client, job, { taskQueue: f.taskQueue })).workflowId);
    const ids = site.deviceIds();
    site.reaudit(ids.slice(0, 4));
    site.deleteDevices(ids.slice(10, 12));
    site.addDevices(3);
    const rec = await f.store.findRecord(job.id, ids[20]!);
    await f.store.retire(rec!.kind, String(rec!.recordId), new Date().toISOString());
    const before = await f.store.counts(job.id);
    const snapshot = await engineSnapshot();
    const dry = await result(
      (await forceSync(stack.env.client, job, { taskQueue: f.taskQueue, dryRun: true })).workflowId,
    );
    assert.equal(dry.outcome, 'dry-run');
    assert.equal(dry.counts.added, 3);
    assert.equal(dry.counts.updated, 4);
    assert.equal(dry.retire.confirmedMissing, 2);
    assert.equal(dry.retire.writeBackDeleted, 1, 'would delete the retired record’s device');
    assert.equal(dry.samples?.added.length, 3);
    assert.equal(dry.samples?.missing.length, 2);
    assert.equal(site.deviceCount(), 81, 'nothing deleted in AlloyScan');
    assert.deepEqual(await f.store.counts(job.id), before);
    assert.deepEqual(await engineSnapshot(), snapshot, 'inventory tables row-for-row unchanged');
    const runs = await runsOf(job.id);
    assert.equal(runs[0]?.dryRun, true, 'only the run log gains the dry run’s report');
  });

  async function engineSnapshot(): Promise<unknown> {
    return sqlite!.dumpInventory(f.store);
  }
});

async function waitFor(cond: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await cond()) return;
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
