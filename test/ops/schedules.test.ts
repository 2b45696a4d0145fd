import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ORPHAN_NOTE, pauseOrphanSchedules, upsertSchedule } from '../../ops/schedules';
import type { SyncJobConfig } from '../../common/sync-types';
import { createTestEnv } from '../helpers/temporal-env';
import { jobConfig } from '../helpers/jobs';

/** A job that is never run: only its schedule matters here. */
const job = (id: string): SyncJobConfig => jobConfig(id, { siteUrl: 'https://example.invalid' });

/** Wait until the schedule list (visibility, eventually consistent) shows every id. */
async function listed(client: Client, ids: string[]): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const seen = new Set<string>();
    for await (const s of client.schedule.list()) seen.add(s.scheduleId);
    if (ids.every((id) => seen.has(id))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`schedules ${ids.join(', ')} never listed`);
}

describe('schedules of removed jobs', () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await createTestEnv();
  });
  after(async () => {
    await env?.teardown();
  });

  it('pauses the schedule of a job no longer configured, with a note, and keeps the others running', async () => {
    const { client } = env;
    await upsertSchedule(client, job('gone'));
    await upsertSchedule(client, job('other'));
    await client.schedule.create({
      scheduleId: 'sync-not-ours',
      spec: { cronExpressions: ['0 3 * * *'] },
      action: { type: 'startWorkflow', workflowType: 'somethingElse', taskQueue: 'elsewhere' },
    });
    await listed(client, ['sync-gone', 'sync-other', 'sync-not-ours']);

    assert.deepEqual(await pauseOrphanSchedules(client, ['other']), ['sync-gone']);
    const gone = await client.schedule.getHandle('sync-gone').describe();
    assert.equal(gone.state.paused, true);
    assert.equal(gone.state.note, ORPHAN_NOTE);
    assert.equal((await client.schedule.getHandle('sync-other').describe()).state.paused, false);
    assert.equal((await client.schedule.getHandle('sync-not-ours').describe()).state.paused, false);
  });

  it('resumes the schedule when the job is configured again', async () => {
    const { client } = env;
    await upsertSchedule(client, job('gone'));
    assert.equal((await client.schedule.getHandle('sync-gone').describe()).state.paused, false);
  });
});
