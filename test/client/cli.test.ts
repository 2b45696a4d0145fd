import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createServer } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createSyncStore, type SqlSyncStore } from '../../activities/store';
import { TASK_QUEUE } from '../../common/task-queue';
import { startEmulator, type EmulatedSite, type Emulator } from '../../emulator';
import { startTestWorker } from '../helpers/sync-harness';
import { createTestEnv } from '../helpers/temporal-env';

const CLI = resolve(__dirname, '../../client/cli.js');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('operator CLI', () => {
  let env: TestWorkflowEnvironment;
  let emulator: Emulator;
  let store: SqlSyncStore;
  let stopWorker: () => Promise<void>;
  const dir = mkdtempSync(join(tmpdir(), 'cli-'));
  const sqlitePath = join(dir, 'navigator.sqlite');

  before(async () => {
    env = await createTestEnv();
    emulator = await startEmulator({ port: 0 });
    store = await createSyncStore({ sqlitePath });
    await store.migrate();
    const worker = await startTestWorker(env, store, TASK_QUEUE);
    stopWorker = () => worker.stop();
  });
  after(async () => {
    await stopWorker?.();
    await store?.close();
    await emulator?.close();
    await env?.teardown();
  });

  /** Run the CLI; `secret` is what the job's env reference resolves to, in the worker (here) and the CLI. */
  function cli(args: string[], secret?: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    if (secret !== undefined) process.env.CLI_TEST_SECRET = secret;
    return new Promise((res) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        env: { ...process.env, TEMPORAL_ADDRESS: env.address, CLI_TEST_SECRET: secret ?? '', ...extraEnv },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => res({ code, stdout, stderr }));
    });
  }

  function configFor(site: EmulatedSite, clientId: string, extra: Record<string, unknown> = {}): string {
    const file = join(dir, `${site.name}.yaml`);
    const job = {
      id: site.name,
      siteUrl: site.url,
      clientId,
      clientSecret: { env: 'CLI_TEST_SECRET' },
      schedule: { cron: '0 4 * * *', timeZone: 'UTC' },
      requestsPerSecond: 500,
      ...extra,
    };
    writeFileSync(file, JSON.stringify({ store: { sqlitePath }, jobs: [job] }));
    return file;
  }

  it('fails at start-up on a bad config, naming every bad field, with exit code 2', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'jobs:\n  - id: x\n    siteUrl: not a url\n    clientId: a\n    clientSecret: plain\n    schedule: { cron: "0 4 * * *" }\n',
    );
    const r = await cli(['--config', file, 'runs', 'x']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /jobs\[x\]\.siteUrl/);
    assert.match(r.stderr, /jobs\[x\]\.clientSecret/);
  });

  it('forces a run and follows it to the report (--wait), then lists it in the run log', async () => {
    const site = emulator.addSite({ name: 'cli-ok', devices: 40 });
    const reg = site.createRegistration();
    const file = configFor(site, reg.clientId);
    const r = await cli(['--config', file, 'force', site.name, '--wait'], reg.clientSecret);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /started sync-cli-ok-manual-/);
    assert.match(r.stdout, /succeeded/);
    assert.match(r.stdout, /verify: source 40 devices .* OK/);
    assert.ok(!r.stdout.includes(reg.clientSecret) && !r.stderr.includes(reg.clientSecret));
    const runs = await cli(['--config', file, 'runs', site.name], reg.clientSecret);
    assert.equal(runs.code, 0, runs.stderr);
    assert.match(runs.stdout, /succeeded\s+manual/);
  });

  it('exits non-zero with the failure type when the run fails (wrong secret)', async () => {
    const site = emulator.addSite({ name: 'cli-bad', devices: 10 });
    const reg = site.createRegistration();
    const file = configFor(site, reg.clientId);
    const r = await cli(['--config', file, 'force', site.name, '--wait'], 'wrong-secret-value');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /FAILED: \[BadCredentials\]/);
    const t = await cli(['--config', file, 'test-connection', site.name], 'wrong-secret-value');
    assert.equal(t.code, 1);
    assert.match(t.stderr, /BadCredentials/);
  });

  it('says in one sentence, exit code 1, that the store cannot be opened', async () => {
    const site = emulator.addSite({ name: 'cli-nostore', devices: 1 });
    const file = configFor(site, 'any');
    const r = await cli(['--config', file, 'runs', site.name], undefined, {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x',
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^cannot reach the Navigator store: connect ECONNREFUSED 127\.0\.0\.1:1\n$/);
  });

  it('says in one sentence, exit code 1, that Temporal cannot be reached', async () => {
    const site = emulator.addSite({ name: 'cli-notemporal', devices: 1 });
    const file = configFor(site, 'any');
    const r = await cli(['--config', file, 'force', site.name], undefined, {
      TEMPORAL_ADDRESS: '127.0.0.1:1',
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^cannot reach Temporal at 127\.0\.0\.1:1 \(TEMPORAL_ADDRESS\): [^\n]+\n$/);
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  });

  it('names the profile, not TEMPORAL_ADDRESS, when a profile of the Temporal config file set the address', async () => {
    const site = emulator.addSite({ name: 'cli-profile', devices: 1 });
    const file = configFor(site, 'any');
    const toml = join(dir, 'temporal.toml');
    writeFileSync(toml, '[profile.prod]\naddress = "127.0.0.1:1"\n');
    const r = await cli(['--config', file, 'force', site.name], undefined, {
      TEMPORAL_ADDRESS: undefined, // spawn leaves undefined variables out
      TEMPORAL_CONFIG_FILE: toml,
      TEMPORAL_PROFILE: 'prod',
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`^cannot reach Temporal at 127\\.0\\.0\\.1:1 \\(profile "prod" of ${toml}\\): `),
    );
    assert.doesNotMatch(r.stderr, /TEMPORAL_ADDRESS/);
  });

  it('test-connection says where it looked, without retrying: nothing listening at the site, and a site that answers HTML', async () => {
    const closed = await new Promise<number>((res) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => res(port));
      });
    });
    let htmlHits = 0;
    const html = http.createServer((_req, reply) => {
      htmlHits++;
      reply.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      reply.end('<!doctype html><html><body>Sign in</body></html>');
    });
    await new Promise<void>((res) => html.listen(0, '127.0.0.1', () => res()));
    const htmlPort = (html.address() as { port: number }).port;
    try {
      const fake = (name: string, url: string) =>
        configFor({ name, url } as EmulatedSite, 'AbCdEfGhIjKlMnOpQrSt');
      const refused = await cli(
        ['--config', fake('cli-refused', `http://127.0.0.1:${closed}`), 'test-connection', 'cli-refused'],
        's',
      );
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, new RegExp(`at 127\\.0\\.0\\.1:${closed}: the connection was refused`));
      const page = await cli(
        ['--config', fake('cli-html', `http://127.0.0.1:${htmlPort}`), 'test-connection', 'cli-html'],
        's',
      );
      assert.equal(htmlHits, 1, 'one request: an HTML answer is a setup error, not retried');
      assert.equal(page.code, 2, 'a wrong site URL is the configuration to fix');
      assert.match(page.stderr, /the site answered HTML, not the AlloyScan API: check siteUrl/);
    } finally {
      html.close();
    }
  });

  it('progress on an unknown workflow id says no such run, exit 2, not a failed run', async () => {
    const r = await cli(['progress', 'sync-demo-nosuch']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^no run with workflow id sync-demo-nosuch \(the RUN column of `runs <job>` lists them\)\n$/,
    );
    assert.doesNotMatch(r.stdout, /FAILED/);
  });

  it('retires a record by ID and refuses an unknown one with a clear message', async () => {
    const site = emulator.addSite({ name: 'cli-retire', devices: 5, typeMix: { computer: 1 } });
    const reg = site.createRegistration();
    const file = configFor(site, reg.clientId);
    assert.equal((await cli(['--config', file, 'force', site.name, '--wait'], reg.clientSecret)).code, 0);
    const rec = await store.findRecord(site.name, site.deviceIds({ limit: 1 })[0]!);
    const r = await cli(['--config', file, 'retire', 'computer', String(rec!.recordId)]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`retired computer #${rec!.recordId}`));
    const missing = await cli(['--config', file, 'retire', 'computer', 'no-such-pc']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no-such-pc/);
  });
});
