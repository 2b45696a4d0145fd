import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { forceSync } from '../../ops/force-sync';
import type { RunReport } from '../../common/sync-types';
import { storeEngines } from '../helpers/stores';
import { jobFor, siteName } from '../helpers/sync-harness';
import { startStack, startStoreAndWorker, type Stack, type StoreAndWorker } from '../helpers/sync-fixture';
import { workflowBundle } from '../helpers/temporal-env';

const [sqlite] = storeEngines();
const HISTORIES = resolve(__dirname, '../../../test/fixtures/histories');
/**
 * Recorded by the first version of the workflow, the Web UI version (report memo), and the
 * current one, whose run meets a site that changes while it is read (re-list sweeps and the
 * unseen walk after a moved total). RECORD_HISTORY=1 re-records the last one.
 */
const FIXTURES = ['sync-run.json', 'sync-run-v2.json', 'sync-run-v3.json'];
const FIXTURE = resolve(HISTORIES, FIXTURES[FIXTURES.length - 1]!);

/** The history as text, with every payload's data decoded (secrets would be inside them). */
function historyText(history: Parameters<typeof historyToJSON>[0]): string {
  const json = historyToJSON(history);
  const decoded = [...json.matchAll(/"data":\s*"([A-Za-z0-9+/=_-]+)"/g)].map((m) =>
    Buffer.from(m[1]!, 'base64').toString('utf8'),
  );
  return `${json}\n${decoded.join('\n')}`;
}

describe('workflow histories', () => {
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
  const secrets: string[] = [];
  const workflowIds: string[] = [];

  it('fails a run with a wrong secret at once, with one token request and one Security-log event', async () => {
    const site = stack.emulator.addSite({ name: siteName('badsecret'), devices: 20 });
    const job = jobFor(site);
    process.env[(job.clientSecret as { env: string }).env] = 'not-the-secret-0123456789';
    secrets.push('not-the-secret-0123456789');
    site.resetStats();
    const res = await forceSync(stack.env.client, job, { taskQueue: f.taskQueue });
    workflowIds.push(res.workflowId);
    await assert.rejects(stack.env.client.workflow.getHandle(res.workflowId).result(), (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError);
      assert.equal((err.cause?.cause as { type?: string } | undefined)?.type, 'BadCredentials');
      return true;
    });
    assert.equal(site.stats().tokenRequests, 1);
    assert.equal(site.securityLog().length, 1);
    const [run] = await f.store.listRuns(job.id, 1);
    assert.equal(run?.outcome, 'failed', 'a failed run is in the run log');
  });

  it('keeps the client secret and access tokens out of every workflow history', async () => {
    const site = stack.emulator.addSite({
      name: siteName('secrets'),
      devices: 50,
      faults: { seed: 2, rate429: 0.05, rate5xx: 0.05, retryAfterSeconds: 1 },
    });
    // Pages of 10, and the site changes after the second list call: the list is read again.
    site.setChurn({ afterListCalls: 2, add: 3, deleteFirst: { count: 2, within: 10 } });
    const job = jobFor(site, { pageSize: 10 });
    secrets.push(process.env[(job.clientSecret as { env: string }).env]!);
    const res = await forceSync(stack.env.client, job, { taskQueue: f.taskQueue });
    workflowIds.push(res.workflowId);
    const report = (await stack.env.client.workflow.getHandle(res.workflowId).result()) as RunReport;
    assert.equal(report.outcome, 'succeeded');
    assert.ok(report.listing && report.listing.sweeps >= 1, 'the recorded run re-listed the moved list');
    site.revokeTokens();
    const again = await forceSync(stack.env.client, job, { taskQueue: f.taskQueue });
    workflowIds.push(again.workflowId);
    await stack.env.client.workflow.getHandle(again.workflowId).result();
    const tokens = site.issuedTokens();
    assert.ok(tokens.length >= 2, 'the run re-authenticated after the revocation');
    for (const id of workflowIds) {
      const text = historyText(await stack.env.client.workflow.getHandle(id).fetchHistory());
      assert.ok(text.includes('"trigger":"manual"'), 'the search sees decoded payloads (the run input)');
      for (const s of [...secrets, ...tokens])
        assert.ok(!text.includes(s), `a secret or token is in the history of ${id}`);
    }
    // RECORD_HISTORY=1 re-records the fixture (after an intended, versioned workflow change).
    if (process.env.RECORD_HISTORY === '1') {
      writeFileSync(
        FIXTURE,
        historyToJSON(await stack.env.client.workflow.getHandle(res.workflowId).fetchHistory()),
      );
    }
  });

  for (const name of FIXTURES)
    it(`replays the recorded history ${name} without non-determinism`, async () => {
      const history = historyFromJSON(JSON.parse(readFileSync(resolve(HISTORIES, name), 'utf8')));
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, name);
    });
});
