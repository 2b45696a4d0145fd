import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNavigatorDemo } from '../../scripts/navigator-demo';

describe("npm start's Navigator emulator", () => {
  it('writes the Application secret to a 0600 file and keeps the Application across restarts', async () => {
    const data = mkdtempSync(join(tmpdir(), 'nav-demo-'));
    const port = process.env.NAVIGATOR_EMULATOR_PORT;
    process.env.NAVIGATOR_EMULATOR_PORT = '0';
    try {
      const first = await startNavigatorDemo(data);
      await first.close();
      assert.equal(first.secretFile, join(data, 'secrets', 'navigator-demo'));
      assert.equal(statSync(first.secretFile).mode & 0o777, 0o600);
      assert.match(first.groundTruthUrl, /^http:\/\/127\.0\.0\.1:\d+\/admin\/records\?class=Computers$/);
      const second = await startNavigatorDemo(data);
      try {
        assert.equal(second.clientId, first.clientId);
        const res = await fetch(`${second.apiUrl}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: second.clientId,
            client_secret: readFileSync(second.secretFile, 'utf8'),
          }),
        });
        assert.equal(res.status, 200, 'the saved secret still gets a token');
        const truth = await fetch(second.groundTruthUrl);
        assert.deepEqual(await truth.json(), { class: 'Computers', records: [] });
      } finally {
        await second.close();
      }
    } finally {
      if (port === undefined) delete process.env.NAVIGATOR_EMULATOR_PORT;
      else process.env.NAVIGATOR_EMULATOR_PORT = port;
      rmSync(data, { recursive: true, force: true });
    }
  });
});
