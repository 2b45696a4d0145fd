/**
 * The job's lifecycle from the CLI, against the running stack (dev server, emulator, a worker
 * on the default task queue, the CLI as its own process): each verb's text, its --json shape
 * and its exit code.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ScheduleNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createSyncStore, type SqlSyncStore } from '../../activities/store';
import type { RunReport } from '../../common/sync-types';
import { TASK_QUEUE } from '../../common/task-queue';
import { startEmulator, type EmulatedSite, type Emulator } from '../../emulator';
import { runCli, type CliRun } from '../helpers/processes';
import { startTestWorker } from '../helpers/sync-harness';
import { createTestEnv } from '../helpers/temporal-env';

describe('the job lifecycle from the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lifecycle-'));
  const sqlitePath = join(dir, 'navigator.sqlite');
  const config = join(dir, 'config.json');
  const job = 'lifecycle';
  let env: TestWorkflowEnvironment;
  let emulator: Emulator;
  let site: EmulatedSite;
  let store: SqlSyncStore;
  let stopWorker: () => Promise<void>;
  let cli: (...args: string[]) => Promise<CliRun>;

  before(async () => {
    env = await createTestEnv();
    emulator = await startEmulator({ port: 0 });
    site = emulator.addSite({ name: job, devices: 60, seed: 5, faults: { seed: 9, malformedRate: 0.05 } });
    const reg = site.createRegistration();
    process.env.LIFECYCLE_SECRET = reg.clientSecret;
    writeFileSync(
      config,
      JSON.stringify({
        store: { sqlitePath },
        jobs: [
          {
            id: job,
            enabled: false,
            siteUrl: site.url,
            clientId: reg.clientId,
            clientSecret: { env: 'LIFECYCLE_SECRET' },
            schedule: { cron: '@every 2s' },
            requestsPerSecond: 1000,
          },
        ],
      }),
    );
    store = await createSyncStore({ sqlitePath });
    await store.migrate();
    const worker = await startTestWorker(env, store, TASK_QUEUE);
    stopWorker = () => worker.stop();
    cli = (...args) => runCli(['--config', config, ...args], { TEMPORAL_ADDRESS: env.address });
  });
  after(async () => {
    await stopWorker?.();
    await store?.close();
    await emulator?.close();
    await env?.teardown();
  });

  const json = <T>(r: CliRun): T => {
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  };
  const scheduledRuns = async (): Promise<number> => {
    let n = 0;
    for await (const _ of env.client.workflow.list({
      query: `JobId = '${job}' AND SyncTrigger = 'schedule'`,
    }))
      n++;
    return n;
  };
  const waitFor = async (what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> => {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  it('schedules apply creates the schedule paused, as the configuration says', async () => {
    const applied = json<{ applied: { jobId: string; schedule: string; paused: boolean }[] }>(
      await cli('schedules', 'apply', '--json'),
    );
    assert.deepEqual(applied.applied, [{ jobId: job, schedule: 'created', paused: true }]);
  });

  it('jobs list and show: the job, its site, schedule and state, as text and as JSON', async () => {
    const text = await cli('jobs', 'list');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^JOB\s+SITE\s+ENABLED\s+SCHEDULE\s+NEXT RUN\s+LAST RUN\s+LAST SUCCESS/);
    assert.match(text.stdout, new RegExp(`${job}\\s+\\S+\\s+no\\s+@every 2s`));
    const [listed] = json<Record<string, unknown>[]>(await cli('jobs', 'list', '--json'));
    assert.deepEqual(
      {
        id: listed?.id,
        site: listed?.site,
        enabled: listed?.enabled,
        state: (listed?.schedule as { state: string }).state,
      },
      { id: job, site: site.url, enabled: false, state: 'paused' },
    );
    const shown = json<{ id: string; lastRun?: unknown }>(await cli('jobs', 'show', job, '--json'));
    assert.deepEqual({ id: shown.id, lastRun: shown.lastRun }, { id: job, lastRun: undefined });
  });

  it('jobs enable starts scheduled runs; jobs disable stops them (forced runs still work)', async () => {
    const enabled = json<{ enabled: boolean; nextRun: string }>(await cli('jobs', 'enable', job, '--json'));
    assert.equal(enabled.enabled, true);
    await waitFor('a scheduled run', async () => (await scheduledRuns()) > 0);
    const disabled = json<{ enabled: boolean; schedule: { note: string } }>(
      await cli('jobs', 'disable', job, '--json'),
    );
    assert.deepEqual(
      {
        enabled: disabled.enabled,
        note: /disabled with alloyscan-sync jobs disable/.test(disabled.schedule.note),
      },
      { enabled: false, note: true },
    );
    await new Promise((r) => setTimeout(r, 1500)); // a tick already taken may still be starting
    const before = await scheduledRuns();
    await new Promise((r) => setTimeout(r, 5000)); // two ticks of @every 2s
    assert.equal(await scheduledRuns(), before, 'no scheduled run while disabled');
    const forced = await cli('force', job, '--wait');
    assert.equal(forced.code, 0, `${forced.stdout}\n${forced.stderr}`);
  });

  it('quarantine lists what the last run set aside, with reasons', async () => {
    const text = await cli('quarantine', job);
    assert.equal(text.code, 0, text.stderr);
    const q = json<{ runId: string; records: { kind: string; sourceId: string; reason: string }[] }>(
      await cli('quarantine', job, '--json'),
    );
    const [last] = await store.listRuns(job, 1);
    assert.equal(q.runId, last?.runId);
    assert.equal(q.records.length, last?.quarantined, 'the report and the quarantine agree');
    assert.ok(q.records.length > 0 && q.records.every((r) => r.reason.length > 0));
    assert.match(text.stdout, new RegExp(`quarantined ${q.records.length} record`));
    // The run as `runs` shows it (its workflow id, the RUN column) names it for quarantine too.
    const runs = await cli('runs', job, '-n', '1');
    assert.ok(last && runs.stdout.includes(last.workflowId), runs.stdout);
    const named = await cli('quarantine', job, '--run', last.workflowId);
    assert.equal(named.code, 0, named.stderr);
    assert.equal(named.stdout, text.stdout);
    const unknown = await cli('quarantine', job, '--run', 'sync-nosuch');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no run sync-nosuch of job .* in the run log/);
  });

  it('verify compares the site with the store now: exit 0 when equal, 5 when the site has changed', async () => {
    const ok = json<{ ok: boolean; sourceDevices: number; storedDevices: number }>(
      await cli('verify', job, '--json'),
    );
    assert.equal(ok.ok, true);
    site.addDevices(3);
    const mismatch = await cli('verify', job);
    assert.equal(mismatch.code, 5);
    assert.match(mismatch.stdout, /MISMATCH/);
    assert.match(
      mismatch.stdout,
      /the site moved by \+3 devices since the last successful run ended \(\d+ present then\); the store still matches what that run left/,
      'it says the site moved, not that the store is wrong',
    );
  });

  it('test-connection --json gives the totals and the tracked groups', async () => {
    const t = json<{ devices: number; trackedGroupsSource: string }>(
      await cli('test-connection', job, '--json'),
    );
    assert.deepEqual(
      { devices: t.devices, source: t.trackedGroupsSource },
      { devices: site.deviceIds().length, source: 'site' },
    );
  });

  it('jobs delete removes the schedule after confirmation and keeps the run log; force refuses; restore brings it back', async () => {
    const runsBefore = json<RunReport[]>(await cli('runs', job, '--json'));
    const noPrompt = await cli('jobs', 'delete', job);
    assert.equal(noPrompt.code, 2, 'without a terminal it needs --yes');
    const deleted = await cli('jobs', 'delete', job, '--yes');
    assert.equal(deleted.code, 0, deleted.stderr);
    await assert.rejects(env.client.schedule.getHandle(`sync-${job}`).describe(), ScheduleNotFoundError);
    assert.deepEqual(
      json<RunReport[]>(await cli('runs', job, '--json')),
      runsBefore,
      'the run log is intact',
    );
    const [listed] = json<{ schedule: { state: string } }[]>(await cli('jobs', 'list', '--json'));
    assert.equal(listed?.schedule.state, 'deleted');
    const refused = await cli('force', job);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /was deleted on .*jobs restore lifecycle/);
    const applied = json<{ applied: { schedule: string }[] }>(await cli('schedules', 'apply', '--json'));
    assert.equal(
      applied.applied[0]?.schedule,
      'deleted job: none',
      'the configuration does not bring it back',
    );
    const restored = json<{ schedule: { state: string } }>(await cli('jobs', 'restore', job, '--json'));
    assert.equal(restored.schedule.state, 'paused');
  });

  it('exits 2 naming the job for an unknown one', async () => {
    const r = await cli('jobs', 'show', 'nope');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no job "nope" in the configuration/);
  });
});
