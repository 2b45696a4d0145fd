/** The soaks' configuration file (one Navigator, the emulator process, and one job writing into it) and what they share. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { startDevServer, type DevServer } from '../../scripts/dev-server';
import {
  freePort,
  startEmulatorProcess,
  type EmulatorProcess,
  type NavigatorEmulatorProcess,
} from '../helpers/processes';

/** What a soak's tests share: a data folder, the dev server, the AlloyScan emulator process, a client. */
export interface SoakStack {
  dataDir: string;
  server: DevServer;
  emu: EmulatorProcess;
  client: Client;
}

/** Starts the stack before the describe block's tests and stops it after (call it inside the block). */
export function soakStack(prefix: string): SoakStack {
  const stack = { dataDir: mkdtempSync(join(tmpdir(), prefix)) } as SoakStack;
  before(async () => {
    stack.server = await startDevServer({
      port: await freePort(),
      uiPort: await freePort(),
      dataDir: stack.dataDir,
    });
    stack.emu = await startEmulatorProcess();
    stack.client = new Client({ connection: await Connection.connect({ address: stack.server.address }) });
  });
  after(async () => {
    await (stack.client as Client | undefined)?.connection.close();
    await (stack.emu as EmulatorProcess | undefined)?.stop();
    await (stack.server as DevServer | undefined)?.stop();
    rmSync(stack.dataDir, { recursive: true, force: true });
  });
  return stack;
}

/**
 * Secrets are read from NAVSOAK_ALLOYSCAN_SECRET and NAVSOAK_NAVIGATOR_SECRET; returns the path.
 * `opts.installations`: the navigator also writes the Software Installations class (Template 304).
 */
export function writeConfig(
  name: string,
  sqlitePath: string,
  creds: { siteUrl: string; clientId: string },
  nav: NavigatorEmulatorProcess,
  opts: { installations?: boolean } = {},
): string {
  const file = join(tmpdir(), `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      store: { sqlitePath },
      navigators: [
        {
          id: 'hq',
          apiUrl: nav.apiUrl,
          clientId: nav.clientId,
          clientSecret: { env: 'NAVSOAK_NAVIGATOR_SECRET' },
          ...(opts.installations && { classes: { softwareInstallation: 'SoftwareInstallations' } }),
          templates: {
            computer: '301',
            inventoryItem: '302',
            ...(opts.installations && { softwareInstallation: '304' }),
          },
          actions: { updateComputer: '401', updateInventoryItem: '402' },
          requestsPerSecond: 2000,
          concurrency: 8,
        },
      ],
      jobs: [
        {
          id: name,
          enabled: false,
          siteUrl: creds.siteUrl,
          clientId: creds.clientId,
          clientSecret: { env: 'NAVSOAK_ALLOYSCAN_SECRET' },
          schedule: { cron: '0 3 * * *', timeZone: 'UTC' },
          navigator: 'hq',
          pageSize: 50,
          pageConcurrency: 4,
          requestsPerSecond: 1000,
          fullRunIntervalHours: 0,
        },
      ],
    }),
  );
  return file;
}

export const HEARTBEAT = '3 seconds';
/** Per write, so that a kill lands among the writes on a loaded machine. */
export const WRITE_LATENCY_MS = 15;
export const FAULTS = {
  rate5xx: 0.01,
  rateDrop: 0.005,
  rate429: 0.01,
  retryAfterSeconds: 1,
  rateLostAnswer: 0.01,
  tokenTtlSeconds: 3,
};

export const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);

export async function until<T>(ms: number, what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`deadline: ${what} not within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
