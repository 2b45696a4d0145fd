import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuthState } from '../../emulator/auth';
import { startEmulator, type Emulator, type EmulatedSite } from '../../emulator';
import { api, login, requestToken, type Json } from './helpers';

describe('emulator App registrations and tokens', () => {
  let emu: Emulator;
  let site: EmulatedSite;

  before(async () => {
    emu = await startEmulator();
    site = emu.addSite({ name: 'auth', devices: 5 });
  });
  after(async () => {
    await emu.close();
  });

  it('creates a 20-character client id and a secret that is never retrievable afterwards', async () => {
    const creds = site.createRegistration({ name: 'sync' });
    assert.match(creds.clientId, /^[A-Z0-9]{20}$/);
    const listed = JSON.stringify(site.registrations());
    assert.ok(!listed.includes(creds.clientSecret) && !/secret/i.test(listed));
    const res = await fetch(`${emu.baseUrl}/admin/sites/auth/registrations`);
    assert.ok(!(await res.text()).includes(creds.clientSecret));
  });

  it('stores only a salted hash of the secret', () => {
    const auth = new AuthState(3600);
    const creds = auth.create();
    const stored = auth.get(creds.clientId);
    assert.equal(stored.secretHash.length, 32);
    assert.ok(!Object.values(stored).some((v) => String(v).includes(creds.clientSecret)));
    assert.ok(!stored.secretHash.toString('utf8').includes(creds.clientSecret));
  });

  it('issues a bearer token on both token paths', async () => {
    const creds = site.createRegistration();
    for (const path of ['/api/oauth/token', '/identity-server/connect/token']) {
      const res = await requestToken(site, creds, path);
      assert.equal(res.status, 200, path);
      assert.equal(res.body.token_type, 'Bearer');
      assert.equal(res.body.expires_in, 3600);
      assert.equal(typeof res.body.access_token, 'string');
      assert.equal((await api(site, String(res.body.access_token), '/api/v1/devices')).status, 200);
      assert.ok(site.issuedTokens().includes(String(res.body.access_token)));
    }
  });

  it('serves only the legacy path on a legacy-only site', async () => {
    const legacy = emu.addSite({ name: 'legacy', devices: 1, tokenPaths: ['legacy'] });
    const creds = legacy.createRegistration();
    assert.equal((await requestToken(legacy, creds, '/api/oauth/token')).status, 404);
    assert.equal((await requestToken(legacy, creds, '/identity-server/connect/token')).status, 200);
  });

  it('rejects a JSON token request with 400 invalid_request', async () => {
    const creds = site.createRegistration();
    const res = await fetch(`${site.url}/api/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: creds.clientId,
        client_secret: creds.clientSecret,
      }),
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as Json).error, 'invalid_request');
  });

  it('answers 401 invalid_client to a wrong secret and records exactly one Security-log event', async () => {
    const creds = site.createRegistration();
    const before = site.securityLog().length;
    const res = await requestToken(site, { clientId: creds.clientId, clientSecret: 'wrong' });
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'invalid_client');
    const events = site.securityLog().slice(before);
    assert.equal(events.length, 1);
    assert.equal(events[0]?.event, 'Service authentication failed');
    assert.equal(events[0]?.clientId, creds.clientId);
    assert.equal((await requestToken(site, { clientId: 'NOPE', clientSecret: 'x' })).status, 401);
    assert.equal(site.securityLog().length, before + 2);
  });

  it('answers 403 at the token endpoint and on the API once a registration is disabled, until re-enabled', async () => {
    const { clientId, clientSecret, token } = await login(site);
    site.disableRegistration(clientId);
    const denied = await requestToken(site, { clientId, clientSecret });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error, 'registration_disabled');
    assert.equal(site.securityLog().at(-1)?.reason, 'registration disabled');
    const call = await api(site, token, '/api/v1/devices');
    assert.equal(call.status, 403);
    assert.equal(call.body.error, 'registration_disabled');
    site.enableRegistration(clientId);
    assert.equal((await api(site, token, '/api/v1/devices')).status, 200);
  });

  it('answers 403 registration_expired for an expired registration', async () => {
    const { clientId, clientSecret, token } = await login(site);
    site.expireRegistration(clientId);
    assert.equal((await requestToken(site, { clientId, clientSecret })).body.error, 'registration_expired');
    assert.equal((await api(site, token, '/api/v1/devices')).body.error, 'registration_expired');
    const past = site.createRegistration({ expiresAt: '2020-01-01T00:00:00Z' });
    assert.equal((await requestToken(site, past)).status, 403);
  });

  it('answers 401 on the API after revokeTokens, for a deleted registration, and without a token', async () => {
    const first = await login(site);
    site.revokeTokens();
    const res = await api(site, first.token, '/api/v1/devices');
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /Bearer/);
    const second = await login(site);
    site.deleteRegistration(second.clientId);
    assert.equal((await api(site, second.token, '/api/v1/devices')).status, 401);
    assert.equal((await api(site, undefined, '/api/v1/devices')).status, 401);
  });

  it('expires tokens after tokenTtlSeconds', async () => {
    const short = emu.addSite({ name: 'short-ttl', devices: 1, tokenTtlSeconds: 1 });
    const { token } = await login(short);
    assert.equal((await api(short, token, '/api/v1/devices')).status, 200);
    await sleep(1100);
    assert.equal((await api(short, token, '/api/v1/devices')).status, 401);
  });

  it('counts token requests separately from API requests', async () => {
    const counted = emu.addSite({ name: 'counted', devices: 3 });
    const { token } = await login(counted);
    await api(counted, token, '/api/v1/devices');
    await api(counted, token, '/api/v1/devices/nope');
    const stats = counted.stats();
    assert.equal(stats.tokenRequests, 1);
    assert.deepEqual(stats.requests, { token: 1, 'devices.list': 1, 'devices.get': 1 });
    counted.resetStats();
    assert.deepEqual(counted.stats(), { requests: {}, tokenRequests: 0, faultsInjected: {} });
  });
});
