/**
 * The client secret and access tokens never appear in an error, its cause or its
 * ApplicationFailure, however the error is serialised or inspected.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { createAlloyScanClient } from '../../activities/alloyscan';
import { toActivityFailure } from '../../activities/failures';
import type { AlloyScanClient } from '../../activities/alloyscan';
import { AlloyScanError } from '../../activities/alloyscan/errors';
import { resolveSettings } from '../../activities/alloyscan/settings';
import { getToken, tokenCacheKey } from '../../activities/alloyscan/token-cache';
import { startEmulator } from '../../emulator';
import type { Emulator } from '../../emulator';

let emu: Emulator;
before(async () => {
  emu = await startEmulator({ port: 0 });
});
after(async () => {
  await emu.close();
});

/** The token the client currently holds in the shared cache (the cache refuses to fetch one). */
async function cachedToken(opts: {
  siteUrl: string;
  clientId: string;
  clientSecret: string;
}): Promise<string> {
  const s = resolveSettings(opts);
  const key = tokenCacheKey(s.siteUrl, s.tokenPath, s.clientId, opts.clientSecret);
  const none = (): never => assert.fail('no cached token');
  return (await getToken(key, none, 0)).value;
}

async function caught(p: Promise<unknown>): Promise<AlloyScanError> {
  const err = await p.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AlloyScanError, String(err));
  return err;
}

function assertHidden(what: unknown, secrets: string[]): void {
  const views = [
    JSON.stringify(what),
    inspect(what, { depth: Infinity, showHidden: true }),
    what instanceof Error ? `${what.message}\n${what.stack ?? ''}\n${String(what.cause)}` : '',
  ];
  for (const view of views)
    for (const s of secrets) assert.ok(!view.includes(s), `leaked in ${view.slice(0, 200)}`);
}

describe('secrets in AlloyScan client errors', () => {
  it('keeps the secret and tokens out of every error kind', async () => {
    const site = emu.addSite({ name: 'secrets', devices: 20, seed: 3 });
    const reg = site.createRegistration({ name: 'sync', expiresAt: '2030-01-01T00:00:00Z' });
    const opts = { siteUrl: site.url, ...reg, timeoutMs: 300, requestsPerSecond: 1000 };
    const client: AlloyScanClient = createAlloyScanClient(opts);
    const errors: AlloyScanError[] = [];
    const list = (): Promise<unknown> => client.listDevices({ offset: 0, limit: 5 });

    await client.authenticate();
    const tokens = [await cachedToken(opts)];
    for (const faults of [{ rate429: 1 }, { rate5xx: 1 }, { dropRate: 1 }, { slowRate: 1, slowMs: 800 }]) {
      site.setFaults(faults);
      errors.push(await caught(list()));
    }
    site.setFaults({});
    errors.push(await caught(client.listDevices({ offset: -1, limit: 5 })));
    site.revokeTokens();
    await list();
    tokens.push(await cachedToken(opts));
    site.disableRegistration(reg.clientId);
    errors.push(await caught(list()), await caught(client.authenticate()));
    site.enableRegistration(reg.clientId);
    site.expireRegistration(reg.clientId);
    errors.push(await caught(client.authenticate()));

    const bad = createAlloyScanClient({ ...opts, clientSecret: 'wrong-secret-0123456789' });
    errors.push(await caught(bad.authenticate()));

    const kinds = errors.map((e) => e.type);
    assert.deepEqual(kinds, [
      'RateLimited',
      'Transient',
      'Transient',
      'Transient',
      'ClientError',
      'RegistrationDisabled',
      'RegistrationDisabled',
      'RegistrationExpired',
      'BadCredentials',
    ]);
    assert.notEqual(tokens[0], tokens[1]);
    const hidden = [reg.clientSecret, 'wrong-secret-0123456789', ...tokens];
    for (const err of errors) {
      assert.equal(err.cause, undefined);
      assertHidden(err, hidden);
      assertHidden(toActivityFailure(err), hidden);
    }
    assertHidden(client, hidden);
  });
});
