import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startEmulator, type Emulator } from '../../emulator';
import { freePort } from '../helpers/processes';
import { createTestEnv } from '../helpers/temporal-env';

const REPO = resolve(__dirname, '../../..');
const DIST = resolve(REPO, 'dist');

/** The `ExecStart=` of the systemd unit in docs/production.md, as its words. */
function unitExecStart(): string[] {
  const doc = readFileSync(resolve(REPO, 'docs/production.md'), 'utf8');
  const unit = /```ini\n([\s\S]*?)```/.exec(doc)?.[1];
  const line = unit?.split('\n').find((l) => l.startsWith('ExecStart='));
  assert.ok(line, 'docs/production.md has a unit with an ExecStart line');
  return line.slice('ExecStart='.length).split(/\s+/);
}

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(cmd: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string }): Running {
  const child = spawn(cmd, args, {
    ...opts,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  return { child, output: () => out, exited };
}

async function until(r: Running, ready: RegExp, ms = 90_000): Promise<void> {
  const t0 = Date.now();
  while (!ready.test(r.output())) {
    if (r.child.exitCode !== null) assert.fail(`exited before ${ready}:\n${r.output()}`);
    if (Date.now() - t0 > ms) assert.fail(`not ${ready} within ${ms} ms:\n${r.output()}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** Nothing of the process tree is left: signal 0 to a gone PID fails. */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

describe('stopping on SIGTERM sent to the PID a supervisor knows', () => {
  let env: TestWorkflowEnvironment;
  let emulator: Emulator;
  const dir = mkdtempSync(join(tmpdir(), 'signals-'));

  before(async () => {
    env = await createTestEnv();
    emulator = await startEmulator({ port: 0 });
  });
  after(async () => {
    await emulator?.close();
    await env?.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the production guide's systemd ExecStart: the worker exits 0 within TimeoutStopSec", async () => {
    const site = emulator.addSite({ name: 'signals', devices: 5 });
    const reg = site.createRegistration();
    const config = join(dir, 'sync.json');
    const job = {
      id: 'signals',
      siteUrl: site.url,
      clientId: reg.clientId,
      clientSecret: { env: 'SIGNALS_SECRET' },
      schedule: { cron: '0 4 * * *', timeZone: 'UTC' },
    };
    writeFileSync(config, JSON.stringify({ store: { sqlitePath: join(dir, 'nav.sqlite') }, jobs: [job] }));
    const [node, script, ...args] = unitExecStart();
    assert.match(node!, /\/node$/);
    const metrics = `127.0.0.1:${await freePort()}`;
    const given = args.map((a) =>
      a.endsWith('.yaml') ? config : /^127\.0\.0\.1:\d+$/.test(a) ? metrics : a,
    );
    const worker = run(process.execPath, [resolve(REPO, script!), ...given], {
      env: { TEMPORAL_ADDRESS: env.address, SIGNALS_SECRET: reg.clientSecret },
    });
    await until(worker, /worker polling/);
    const t0 = Date.now();
    process.kill(worker.child.pid!, 'SIGTERM');
    const end = await worker.exited;
    assert.deepEqual(end, { code: 0, signal: null }, worker.output());
    assert.ok(Date.now() - t0 < 30_000, "within the unit's TimeoutStopSec");
    assert.match(worker.output(), /SIGTERM: stopping the worker\n[\s\S]*worker stopped\n/);
  });

  // One data directory for both starts: the second finds the first's run in its store.
  const data = join(dir, 'start-data');
  for (const [signal, says] of [
    ['SIGTERM', 'first run of job demo'],
    ['SIGINT', 'a run at start-up of job demo'],
  ] as const) {
    it(`npm start: ${signal} to npm's PID stops the node process and everything it started (${says})`, async () => {
      // package.json's own start script, with the set-up step (npm ci, go install) left out.
      const pkg = JSON.parse(readFileSync(resolve(REPO, 'package.json'), 'utf8')) as {
        scripts: { start: string };
      };
      const start = pkg.scripts.start.replace('bash scripts/setup.sh', 'true').replace(' dist/', ` ${DIST}/`);
      const app = mkdtempSync(join(dir, 'npm-'));
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'start-probe', scripts: { start } }));
      const npm = run('npm', ['start', '--silent'], {
        cwd: app,
        env: {
          TEMPORAL_ADDRESS: env.address,
          ALLOYSCAN_EMULATOR_PORT: '0',
          ALLOYSCAN_SYNC_METRICS: `127.0.0.1:${await freePort()}`,
          ALLOYSCAN_SYNC_DATA_DIR: data,
          DEMO_DEVICES: '20',
        },
      });
      await until(npm, /worker running with the schedules/);
      assert.match(npm.output(), new RegExp(`\\[start\\] ${says}: started`));
      const nodePid = Number(
        /^(\d+)/.exec(readFileSync(`/proc/${npm.child.pid}/task/${npm.child.pid}/children`, 'utf8'))?.[1],
      );
      assert.ok(nodePid > 0, 'npm has a child process');
      process.kill(npm.child.pid!, signal);
      const end = await Promise.race([
        npm.exited,
        new Promise<undefined>((r) => setTimeout(() => r(undefined), 30_000)),
      ]);
      if (!end) {
        process.kill(nodePid, 'SIGKILL');
        assert.fail(`${signal} to npm (${npm.child.pid}) did not stop node (${nodePid}) within 30 s`);
      }
      assert.match(npm.output(), /\[start\] stopping\.\.\./);
      assert.equal(end.signal, null, npm.output());
      assert.equal(end.code, 0, npm.output());
      assert.ok(gone(nodePid), `node (${nodePid}) has stopped`);
    });
  }
});
