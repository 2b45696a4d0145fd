/**
 * The worker checks every job at start-up as `test-connection` does and says, per job, what is
 * wrong, without stopping the other jobs; `alloyscan_sync_connection_ok` carries it. Before,
 * a job whose secret file was missing, whose site refused connections or answered HTML was
 * silent until its next run failed.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startEmulator, type Emulator } from '../../emulator';
import { freePort, runCli, startWorkerProcess, type Child } from '../helpers/processes';
import { createTestEnv } from '../helpers/temporal-env';

describe('start-up connection checks', () => {
  let env: TestWorkflowEnvironment;
  let emulator: Emulator;
  let html: http.Server;
  let worker: Child | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'checks-'));
  const config = join(dir, 'sync.json');
  let metricsPort: number;

  before(async () => {
    env = await createTestEnv();
    emulator = await startEmulator({ port: 0 });
    html = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><html><body>Sign in</body></html>');
    });
    await new Promise<void>((r) => html.listen(0, '127.0.0.1', () => r()));
    const site = emulator.addSite({ name: 'checks-ok', devices: 7 });
    const reg = site.createRegistration();
    const closed = await freePort();
    const job = (id: string, siteUrl: string, clientSecret: unknown) => ({
      id,
      siteUrl,
      clientId: reg.clientId,
      clientSecret,
      schedule: { cron: '0 4 * * *', timeZone: 'UTC' },
    });
    const jobs = [
      job('checks-ok', site.url, { env: 'CHECKS_SECRET' }),
      job('no-secret', site.url, { file: join(dir, 'missing-secret') }),
      job('refused', `http://127.0.0.1:${closed}`, { env: 'CHECKS_SECRET' }),
      job('html', `http://127.0.0.1:${(html.address() as { port: number }).port}`, { env: 'CHECKS_SECRET' }),
    ];
    writeFileSync(config, JSON.stringify({ store: { sqlitePath: join(dir, 'nav.sqlite') }, jobs }));
    process.env.CHECKS_SECRET = reg.clientSecret;
    metricsPort = await freePort();
    worker = await startWorkerProcess(
      config,
      { TEMPORAL_ADDRESS: env.address },
      { args: ['--metrics', `127.0.0.1:${metricsPort}`] },
    );
  });
  after(async () => {
    await worker?.stop();
    html?.close();
    await emulator?.close();
    await env?.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says per job what is wrong, sets the gauge, and runs the healthy job', async () => {
    const t0 = Date.now();
    while (!/job html: /.test(worker!.output()) && Date.now() - t0 < 20_000)
      await new Promise((r) => setTimeout(r, 100));
    const out = worker!.output();
    assert.match(out, /job checks-ok: connection OK \(http:\/\/[^,]+, 7 devices\)/);
    assert.match(out, /job no-secret: connection check FAILED \[BadConfig\]: [^\n]*missing-secret/);
    assert.match(out, /job refused: connection check FAILED \[Transient\]: [^\n]*the connection was refused/);
    assert.match(out, /job html: connection check FAILED \[BadConfig\]: [^\n]*answered HTML/);
    assert.ok(!out.includes(process.env.CHECKS_SECRET!), 'the secret is never logged');
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const gauge = (job: string) =>
      Number(new RegExp(`alloyscan_sync_connection_ok\\{[^}]*job="${job}"[^}]*\\} (\\d)`).exec(metrics)?.[1]);
    assert.deepEqual(
      ['checks-ok', 'no-secret', 'refused', 'html'].map(gauge),
      [1, 0, 0, 0],
      metrics
        .split('\n')
        .filter((l) => l.includes('connection_ok'))
        .join('\n'),
    );
    const forced = await runCli(['--config', config, 'force', 'checks-ok', '--wait'], {
      TEMPORAL_ADDRESS: env.address,
    });
    assert.equal(forced.code, 0, `${forced.stdout}${forced.stderr}`);
  });
});
