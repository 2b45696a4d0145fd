/**
 * The stack as users run it, one process per part: the emulator (`emulator/cli.js start`),
 * the Navigator emulator (`emulator/navigator/cli.js start`), workers (`worker/main.js`), the CLI (`client/cli.js`), and fresh PostgreSQL databases.
 * For tests that kill a worker, restart a server or count what a site received, and for the
 * benchmarks. Every process is a child of the caller; `stop()` ends it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';

const DIST = resolve(__dirname, '../..');
export const PG_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Child {
  process: ChildProcess;
  pid: number;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Start `node <script> ...args`; resolves once a line of its output matches `ready`. */
export function startNode(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  timeoutMs = 60_000,
  nodeArgs: string[] = [],
): Promise<Child> {
  const child = spawn(process.execPath, [...nodeArgs, resolve(DIST, script), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const handle: Child = {
    process: child,
    pid: child.pid ?? -1,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  return new Promise((res, rej) => {
    const timer = setTimeout(
      () => rej(new Error(`${script} not ready in ${timeoutMs} ms:\n${out}`)),
      timeoutMs,
    );
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        res(handle);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      rej(new Error(`${script} exited (${code ?? signal}) before it was ready:\n${out}`));
    });
  });
}

export interface EmulatorProcess extends Child {
  baseUrl: string;
  /** Call an admin route of the emulator: `admin('POST', '/admin/sites', {...})`. */
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

/** The emulator in its own process, empty but for a placeholder site; add sites through `admin`. */
export async function startEmulatorProcess(): Promise<EmulatorProcess> {
  const child = await startNode(
    'emulator/cli.js',
    ['start', '--port', '0', '--site', 'placeholder', '--devices', '0'],
    {},
    /client secret: /,
  );
  const baseUrl = /listening on (\S+)/.exec(child.output())![1]!;
  return {
    ...child,
    baseUrl,
    admin: adminOf(baseUrl, 'emulator'),
  };
}

function adminOf(baseUrl: string, what: string): EmulatorProcess['admin'] {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${what} ${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

export interface NavigatorEmulatorProcess extends EmulatorProcess {
  /** The API URL a navigator's `apiUrl` takes. */
  apiUrl: string;
  clientId: string;
  /** Read from the secret file the CLI wrote (the CLI never prints it). */
  secret: string;
}

/** The Navigator emulator in its own process; `args`: more `start` flags (--write-latency-ms 50). */
export async function startNavigatorEmulatorProcess(args: string[] = []): Promise<NavigatorEmulatorProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'nav-emulator-'));
  const secretFile = join(dir, 'secret');
  const child = await startNode(
    'emulator/navigator/cli.js',
    ['start', '--port', '0', '--secret-file', secretFile, ...args],
    {},
    /ground truth: /,
  );
  const out = child.output();
  const secret = readFileSync(secretFile, 'utf8').trim();
  rmSync(dir, { recursive: true, force: true });
  const baseUrl = /listening on (\S+)/.exec(out)![1]!;
  return {
    ...child,
    baseUrl,
    apiUrl: /API URL:\s+(\S+)/.exec(out)![1]!,
    clientId: /Application ID:\s+(\S+)/.exec(out)![1]!,
    secret,
    admin: adminOf(baseUrl, 'navigator emulator'),
  };
}

/** A site on the emulator process and a registration for it: what a job config needs. */
export async function addSiteProcess(
  emu: EmulatorProcess,
  options: Record<string, unknown> & { name: string },
): Promise<{ siteUrl: string; clientId: string; clientSecret: string }> {
  const site = await emu.admin<{ url: string }>('POST', '/admin/sites', options);
  const reg = await emu.admin<{ clientId: string; clientSecret: string }>(
    'POST',
    `/admin/sites/${options.name}/registrations`,
    { name: 'process test', expiresAt: '2035-01-01T00:00:00Z' },
  );
  return { siteUrl: site.url, clientId: reg.clientId, clientSecret: reg.clientSecret };
}

/**
 * A worker process on `config`; ready once it polls. `args`: more worker flags (--metrics);
 * `nodeArgs`: flags for node itself (e.g. ['--cpu-prof'] to profile it).
 */
export function startWorkerProcess(
  config: string,
  env: NodeJS.ProcessEnv,
  opts: { args?: string[]; nodeArgs?: string[] } = {},
): Promise<Child> {
  const args = ['--config', config, ...(opts.args ?? [])];
  return startNode('worker/main.js', args, env, /worker polling/, 60_000, opts.nodeArgs ?? []);
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Run the CLI to its end, timing its whole wall time (its own start included). */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const t0 = performance.now();
  return new Promise((res) => {
    const child = spawn(process.execPath, [resolve(DIST, 'client/cli.js'), ...args], {
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => res({ code, stdout, stderr, ms: performance.now() - t0 }));
  });
}

/** Peak and current resident memory of a process (Linux), MiB. */
export function memoryOf(pid: number): { peakMiB: number; rssMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { peakMiB: kib('VmHWM') / 1024, rssMiB: kib('VmRSS') / 1024 };
}

/** A freshly created PostgreSQL database (no tables, no statistics); `drop()` removes it. */
export async function freshDatabase(prefix = 'fresh'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = async (sql: string): Promise<void> => {
    const client = new Client({ connectionString: PG_ADMIN_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`create database "${name}"`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists "${name}" with (force)`) };
}

/** A port free on 127.0.0.1 right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (typeof addr === 'object' && addr ? res(addr.port) : rej(new Error('no free port'))));
    });
  });
}
