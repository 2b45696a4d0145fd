import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../../emulator';
import { api, requestToken, type Json } from './helpers';

describe('emulator admin routes', () => {
  let emu: Emulator;
  let admin: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Json }>;

  before(async () => {
    emu = await startEmulator();
    admin = async (method, path, body) => {
      const res = await fetch(`${emu.baseUrl}/admin/sites${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as Json };
    };
  });
  after(async () => {
    await emu.close();
  });

  it('creates a site, rejects a duplicate (409) and invalid options (400, naming the field)', async () => {
    const created = await admin('POST', '', { name: 'adm', devices: 30, seed: 5 });
    assert.equal(created.status, 201);
    assert.equal(created.body.url, `${emu.baseUrl}/sites/adm`);
    assert.equal(emu.site('adm').deviceCount(), 30);
    assert.equal((await admin('POST', '', { name: 'adm' })).status, 409);
    const bad = await admin('POST', '', { name: 'Bad Name', devices: -1 });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.message), /name/);
    assert.match(String(bad.body.message), /devices/);
    assert.throws(() => emu.site('nope'), /unknown site/);
  });

  it('manages registrations: create, disable, enable, expire, delete (404 when unknown)', async () => {
    const site = emu.site('adm');
    const creds = (await admin('POST', '/adm/registrations', { name: 'ops' })).body as {
      clientId: string;
      clientSecret: string;
    };
    assert.equal((await requestToken(site, creds)).status, 200);
    assert.equal((await admin('POST', `/adm/registrations/${creds.clientId}/disable`)).status, 204);
    assert.equal((await requestToken(site, creds)).status, 403);
    assert.equal((await admin('POST', `/adm/registrations/${creds.clientId}/enable`)).status, 204);
    assert.equal((await admin('POST', `/adm/registrations/${creds.clientId}/expire`)).status, 204);
    assert.equal((await requestToken(site, creds)).body.error, 'registration_expired');
    assert.equal((await admin('DELETE', `/adm/registrations/${creds.clientId}`)).status, 204);
    assert.equal((await requestToken(site, creds)).status, 401);
    assert.equal((await admin('POST', `/adm/registrations/${creds.clientId}/disable`)).status, 404);
    const log = await admin('GET', '/adm/security-log');
    assert.deepEqual(
      (log.body.items as Json[]).map((e) => e.reason),
      ['registration disabled', 'registration expired', 'unknown client'],
    );
  });

  it('sets tracking, faults, product groups; reaudits; reports stats and ground truth', async () => {
    const site = emu.site('adm');
    const before = site.groundTruth();
    assert.equal((await admin('PUT', '/adm/groups/Regular/tracking', { track: true })).status, 204);
    const truth = await admin('GET', '/adm/ground-truth');
    assert.deepEqual(truth.body, site.groundTruth());
    assert.ok(Number(truth.body.installations) > before.installations);
    assert.deepEqual((await admin('GET', '/adm/ground-truth?platforms=')).body.installations, 0);
    assert.equal((await admin('PUT', '/adm/faults', { rate429: 1 })).status, 204);
    const creds = site.createRegistration();
    const token = String((await requestToken(site, creds)).body.access_token);
    assert.equal((await api(site, token, '/api/v1/devices')).status, 429);
    assert.equal((await admin('PUT', '/adm/faults', { rate429: 2 })).status, 400);
    assert.equal((await admin('PUT', '/adm/faults', {})).status, 204);
    const stats = await admin('GET', '/adm/stats');
    assert.deepEqual(stats.body.faultsInjected, { '429': 1 });
    const reaudit = await admin('POST', '/adm/reaudit', { fraction: 0.5 });
    assert.ok(Number(reaudit.body.reaudited) > 5 && Number(reaudit.body.reaudited) < 25);
    const added = await admin('POST', '/adm/devices', { count: 2 });
    assert.equal((added.body.deviceIds as string[]).length, 2);
    const count = site.deviceCount();
    site.deleteDevices(added.body.deviceIds as string[]);
    const restored = await admin('POST', '/adm/restore', {
      deviceIds: [...(added.body.deviceIds as string[]), 'x'],
    });
    assert.deepEqual(
      [restored.body.restored, site.deviceCount()],
      [2, count],
      'deleted devices back, unknown ids ignored',
    );
    assert.equal((await admin('POST', '/adm/restore', { deviceIds: added.body.deviceIds })).body.restored, 0);
    assert.equal(
      (await admin('PUT', '/adm/products/not-a-product/group', { group: 'Required' })).status,
      404,
    );
    assert.equal((await admin('GET', '/nope/stats')).status, 404);
  });
});
