/**
 * Shared set-up of the AlloyScan client tests: one emulator per test file (started in the
 * file's `before`, closed in its `after`), fresh sites and clients.
 */
import assert from 'node:assert/strict';
import { createAlloyScanClient } from '../../activities/alloyscan';
import type { AlloyScanClient, AlloyScanClientOptions } from '../../activities/alloyscan';
import { AlloyScanError } from '../../activities/alloyscan/errors';
import { startEmulator } from '../../emulator';
import type { EmulatedSite, Emulator, SiteOptions } from '../../emulator';

export interface TestEmulator {
  /** A new site (unique name, 50 devices unless told) on the file's emulator. */
  site(opts?: Partial<SiteOptions>): EmulatedSite;
  close(): Promise<void>;
}

/** An emulator on a random port; registers no hooks (the caller closes it). */
export async function startTestEmulator(): Promise<TestEmulator> {
  const emu: Emulator = await startEmulator({ port: 0 });
  let n = 0;
  return {
    site: (opts = {}) => {
      n++;
      return emu.addSite({ name: `site-${n}`, devices: 50, seed: n, ...opts });
    },
    close: () => emu.close(),
  };
}

/** A client of a new App registration of `site` (fast limiter unless told). */
export function connect(site: EmulatedSite, extra: Partial<AlloyScanClientOptions> = {}): AlloyScanClient {
  const reg = site.createRegistration({ name: 'sync', expiresAt: '2030-01-01T00:00:00Z' });
  return createAlloyScanClient({ siteUrl: site.url, ...reg, requestsPerSecond: 1000, ...extra });
}

/** Awaits a rejection and returns it as an AlloyScanError of the expected type. */
export async function failure(p: Promise<unknown>, type: string): Promise<AlloyScanError> {
  const err = await p.then(
    () => assert.fail(`expected ${type}, got success`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AlloyScanError, `expected AlloyScanError, got ${String(err)}`);
  assert.equal(err.type, type, err.message);
  return err;
}
