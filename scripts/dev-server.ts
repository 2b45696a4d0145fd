/**
 * The embedded default Temporal: `temporal server start-dev` from the CLI built into
 * .tools/bin, with a file database under .data/ (runs survive a restart) and the Web UI.
 * Reused when one is already listening on the port (a second `npm start`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createConnection } from 'node:net';
import { resolve } from 'node:path';
import { SYNC_SEARCH_ATTRIBUTES } from '../common/search-attributes';

export interface DevServer {
  address: string;
  uiUrl: string;
  /** Undefined when an already-running server was reused. */
  process?: ChildProcess;
  stop(): Promise<void>;
}

const ROOT = resolve(__dirname, '../..');

function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((res) => {
    const s = createConnection({ port, host }, () => {
      s.destroy();
      res(true);
    });
    s.on('error', () => res(false));
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`temporal server start-dev exited with code ${child.exitCode}`);
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the Temporal dev server did not open port ${port} within ${timeoutMs / 1000}s`);
}

export async function startDevServer(
  opts: { port?: number; uiPort?: number; dataDir?: string } = {},
): Promise<DevServer> {
  const port = opts.port ?? 7233;
  const uiPort = opts.uiPort ?? 8233;
  const address = `127.0.0.1:${port}`;
  const uiUrl = `http://localhost:${uiPort}`;
  if (await portOpen(port)) return { address, uiUrl, stop: () => Promise.resolve() };
  const dataDir = opts.dataDir ?? resolve(ROOT, '.data');
  mkdirSync(dataDir, { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
  ];
  args.push('--db-filename', resolve(dataDir, 'temporal.sqlite'), '--log-level', 'warn');
  for (const sa of SYNC_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${sa.name}=Keyword`);
  // The server's own log goes to .data/temporal.log, not the operator's terminal.
  const logFd = openSync(resolve(dataDir, 'temporal.log'), 'a');
  // Detached (its own process group): a terminal Ctrl-C reaches only the parent, which stops
  // the worker first and this server last.
  const child = spawn(resolve(ROOT, '.tools/bin/temporal'), args, {
    stdio: ['ignore', logFd, logFd],
    detached: true,
  });
  closeSync(logFd);
  const stop = (): Promise<void> => stopChild(child);
  // Detached, it would outlive a parent that exits without calling stop(): a last-chance SIGTERM.
  const killOnExit = (): void => void child.kill('SIGTERM');
  process.on('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  try {
    await waitForPort(port, child, 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, uiUrl, process: child, stop };
}

/** SIGTERM, then SIGKILL if the server has not exited within 15 s. */
function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((res) => {
    if (child.exitCode !== null || child.signalCode !== null) return res();
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      res();
    });
    child.kill('SIGTERM');
  });
}
