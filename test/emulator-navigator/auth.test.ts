import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startNavigatorEmulator, type NavigatorEmulator } from '../../emulator/navigator';
import { assertFailure, call, login, ok, requestToken, type Json } from './helpers';

const DENIED = 'Authorization has been denied for this request.';

describe('Navigator emulator: Application accounts and tokens', () => {
  let emu: NavigatorEmulator;

  before(async () => {
    emu = await startNavigatorEmulator({ products: { count: 3 } });
  });
  after(async () => {
    await emu.close();
  });

  it('issues a bearer token for 8 hours to the generated Application', async () => {
    const res = await requestToken(emu);
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), ['access_token', 'expires_in', 'token_type']);
    assert.equal(res.body.token_type, 'bearer');
    assert.equal(res.body.expires_in, 28_800);
    assert.match(String(res.body.access_token), /^\S{20,}$/);
  });

  it('refuses a wrong secret and an unknown Application ID with 400 invalid_client', async () => {
    const cases = [
      { clientId: emu.registration.clientId, secret: 'not-the-secret' },
      { clientId: 'no-such-application', secret: emu.registration.secret },
    ];
    for (const creds of cases) {
      const res = await requestToken(emu, creds);
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { error: 'invalid_client' });
    }
  });

  it('answers a JSON token request and another grant type with OAuth errors', async () => {
    const json = await fetch(`${emu.apiUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: emu.registration.clientId }),
    });
    assert.equal(json.status, 400);
    assert.deepEqual(await json.json(), { error: 'invalid_request' });
    const grant = await fetch(`${emu.apiUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', client_id: 'x', client_secret: 'y' }),
    });
    assert.deepEqual(await grant.json(), { error: 'unsupported_grant_type' });
  });

  it('accepts several Applications, each with its own secret', async () => {
    const other = emu.addRegistration({ name: 'second' });
    assert.notEqual(other.clientId, emu.registration.clientId);
    assert.equal((await requestToken(emu, other)).status, 200);
    const crossed = { clientId: other.clientId, secret: emu.registration.secret };
    assert.equal((await requestToken(emu, crossed)).status, 400);
  });

  it('denies a call without a token, with an unknown token and with another scheme: 401 in the envelope', async () => {
    const expected = { success: false, errorCode: 401, errorText: DENIED, responseObject: null };
    const none = await call(emu, undefined, 'GET', '/v2/Computers');
    assert.equal(none.status, 401);
    assert.deepEqual(none.body, expected);
    assertFailure(await call(emu, 'not-a-token', 'GET', '/v2/Computers'), 401, DENIED);
    const token = await login(emu);
    const basic = await fetch(`${emu.apiUrl}/v2/Computers`, { headers: { authorization: `Basic ${token}` } });
    assert.equal(basic.status, 401);
    assert.deepEqual(await basic.json(), expected);
  });

  it('takes the bearer scheme in any case', async () => {
    const token = await login(emu);
    for (const scheme of ['bearer', 'Bearer', 'BEARER']) {
      const res = await fetch(`${emu.apiUrl}/v2/Computers`, {
        headers: { authorization: `${scheme} ${token}` },
      });
      assert.equal(res.status, 200, scheme);
      assert.equal(((await res.json()) as Json).success, true);
    }
  });

  it('expires a token after its lifetime: 401 "Authorization has been denied for this request."', async () => {
    emu.setFaults({ tokenTtlSeconds: 1 });
    const res = await requestToken(emu);
    assert.equal(res.body.expires_in, 1);
    const token = String(res.body.access_token);
    await ok(emu, token, 'GET', '/v2/Computers');
    await sleep(1100);
    assertFailure(await call(emu, token, 'GET', '/v2/Computers'), 401, DENIED);
    emu.setFaults({});
    assert.equal((await requestToken(emu)).body.expires_in, 28_800);
  });

  it('takes a given Application instead of generating one', async () => {
    const given = { clientId: 'app-given', secret: 'given-secret-123', name: 'given' };
    const other = await startNavigatorEmulator({ registrations: [given], products: { count: 0 } });
    try {
      assert.deepEqual(other.registration, { clientId: given.clientId, secret: given.secret });
      assert.equal((await requestToken(other, given)).status, 200);
    } finally {
      await other.close();
    }
  });

  it('rejects invalid options naming the field', async () => {
    await assert.rejects(
      startNavigatorEmulator({ pageCap: 0 }),
      /invalid navigator emulator options: pageCap/,
    );
    await assert.rejects(
      startNavigatorEmulator({ timeZoneOffset: 'PST' }),
      /timeZoneOffset: must be an offset such as -07:00/,
    );
    await assert.rejects(
      startNavigatorEmulator({ actions: { updateComputer: '301' } }),
      /action ID 301 used twice/,
    );
  });
});
