import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LEGACY_TOKEN_PATH, createAlloyScanClient } from '../../activities/alloyscan';
import { connect, failure, startTestEmulator, type TestEmulator } from './helpers';

let emu: TestEmulator;
before(async () => {
  emu = await startTestEmulator();
});
after(() => emu?.close());

describe('AlloyScan client against the emulator: authentication', () => {
  it('fails a bad secret as BadCredentials with exactly one token request and one Security-log event', async () => {
    const site = emu.site();
    const { clientId } = site.createRegistration({ name: 'sync' });
    const client = createAlloyScanClient({ siteUrl: site.url, clientId, clientSecret: 'wrong-secret' });
    const calls = [client.authenticate(), client.listDevices({ offset: 0, limit: 5 }), client.getDevice('x')];
    for (const call of calls) await failure(call, 'BadCredentials');
    assert.equal(client.tokenRequests, 1);
    assert.equal(site.stats().tokenRequests, 1);
    assert.equal(site.securityLog().length, 1);
    assert.equal(site.securityLog()[0]?.event, 'Service authentication failed');
  });

  it('fails a disabled registration as RegistrationDisabled and an expired one as RegistrationExpired', async () => {
    const site = emu.site();
    const reg = site.createRegistration({ name: 'sync', expiresAt: '2030-01-01T00:00:00Z' });
    const client = createAlloyScanClient({ siteUrl: site.url, ...reg });
    site.disableRegistration(reg.clientId);
    assert.match((await failure(client.authenticate(), 'RegistrationDisabled')).message, /enable it/);
    site.enableRegistration(reg.clientId);
    site.expireRegistration(reg.clientId);
    assert.match(
      (await failure(client.authenticate(), 'RegistrationExpired')).message,
      /later expiration date/,
    );
  });

  it('fails API calls with the token of a since-disabled registration as RegistrationDisabled', async () => {
    const site = emu.site();
    const reg = site.createRegistration({ name: 'sync', expiresAt: '2030-01-01T00:00:00Z' });
    const client = createAlloyScanClient({ siteUrl: site.url, ...reg });
    await client.listDevices({ offset: 0, limit: 5 });
    site.disableRegistration(reg.clientId);
    await failure(client.listDevices({ offset: 0, limit: 5 }), 'RegistrationDisabled');
  });

  it('re-authenticates once after token revocation and succeeds', async () => {
    const site = emu.site();
    const client = connect(site);
    await client.listDevices({ offset: 0, limit: 5 });
    site.revokeTokens();
    assert.equal((await client.listDevices({ offset: 0, limit: 5 })).items.length, 5);
    assert.equal(client.tokenRequests, 2);
    assert.equal(client.apiCalls, 5);
  });

  it('refreshes the token before it expires', async () => {
    const site = emu.site({ tokenTtlSeconds: 2 });
    const client = connect(site, { refreshMarginMs: 1000 });
    await client.listDevices({ offset: 0, limit: 1 });
    await client.listDevices({ offset: 0, limit: 1 });
    assert.equal(client.tokenRequests, 1);
    await sleep(1100);
    await client.listDevices({ offset: 0, limit: 1 });
    assert.equal(client.tokenRequests, 2);
    assert.equal(client.apiCalls, 5, 'no 401 round trip');
  });

  it('shares one token between clients and concurrent calls of the same registration', async () => {
    const site = emu.site();
    const reg = site.createRegistration({ name: 'sync' });
    const a = createAlloyScanClient({ siteUrl: site.url, ...reg });
    const b = createAlloyScanClient({ siteUrl: site.url, ...reg });
    await Promise.all([
      a.listDevices({ offset: 0, limit: 1 }),
      b.listDevices({ offset: 0, limit: 1 }),
      a.authenticate(),
    ]);
    assert.equal(site.stats().tokenRequests, 1);
    assert.equal(a.tokenRequests + b.tokenRequests, 1);
  });

  it('uses the legacy token path when configured; the default path on a legacy-only site fails clearly', async () => {
    const site = emu.site({ tokenPaths: ['legacy'] });
    const legacy = connect(site, { tokenPath: LEGACY_TOKEN_PATH });
    assert.equal((await legacy.listDevices({ offset: 0, limit: 3 })).items.length, 3);
    const err = await failure(connect(site).authenticate(), 'BadConfig');
    assert.match(err.message, /no token endpoint at \/api\/oauth\/token.*token path/);
  });
});
