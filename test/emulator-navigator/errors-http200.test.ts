import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startNavigatorEmulator } from '../../emulator/navigator';
import { assertFailure, call, login } from './helpers';

describe('Navigator emulator: errorsAsHttp200', () => {
  it('sends every error but the token endpoint as HTTP 200 with success:false', async () => {
    const emu = await startNavigatorEmulator({ errorsAsHttp200: true, products: { count: 0 } });
    try {
      const denied = await call(emu, undefined, 'GET', '/v2/Computers');
      assertFailure(denied, 200, 'Authorization has been denied for this request.');
      assert.equal(denied.body.errorCode, 401);
      const token = await login(emu);
      assertFailure(await call(emu, token, 'GET', '/v2/Tickets'), 200, 'Object class "Tickets" not found.');
      assertFailure(await call(emu, token, 'GET', '/v2/object/C000404'), 200, 'Object C000404 not found.');
      assertFailure(
        await call(emu, token, 'POST', '/v2/Computers', { fields: ['Nope'] }),
        200,
        'Field "Nope" not found.',
      );
      assertFailure(await call(emu, token, 'GET', '/v1/Computers'), 200, /No HTTP resource/);
      emu.setFaults({ failNext: { kind: '5xx', count: 1 } });
      assertFailure(
        await call(emu, token, 'GET', '/v2/Computers'),
        200,
        'The service is temporarily unavailable.',
      );
      const bad = await fetch(`${emu.apiUrl}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'x', client_secret: 'y' }),
      });
      assert.equal(bad.status, 400);
    } finally {
      await emu.close();
    }
  });
});
