import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Site } from '../../emulator/site';
import { startNavigatorDemo } from '../../scripts/navigator-demo';

describe("npm start's Navigator emulator", () => {
  it("writes the Application secret to a 0600 file, keeps the Application across restarts, and knows the site's products", async () => {
    const data = mkdtempSync(join(tmpdir(), 'nav-demo-'));
    const port = process.env.NAVIGATOR_EMULATOR_PORT;
    process.env.NAVIGATOR_EMULATOR_PORT = '0';
    const catalog = new Site({ name: 'demo', seed: 1, devices: 10 }, '').catalog;
    try {
      const first = await startNavigatorDemo(data, catalog);
      await first.close();
      assert.equal(first.secretFile, join(data, 'secrets', 'navigator-demo'));
      assert.equal(statSync(first.secretFile).mode & 0o777, 0o600);
      assert.match(first.groundTruthUrl, /^http:\/\/127\.0\.0\.1:\d+\/admin\/records\?class=Computers$/);
      const second = await startNavigatorDemo(data, catalog);
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
        const installations = await fetch(second.installationsUrl);
        assert.deepEqual(await installations.json(), { class: 'SoftwareInstallations', records: [] });
        const products = (await (
          await fetch(second.groundTruthUrl.replace('class=Computers', 'class=SoftwareProducts'))
        ).json()) as { records: { Product_Name: string; Version: string }[] };
        assert.deepEqual(
          products.records.map((p) => `${p.Product_Name} ${p.Version}`).sort(),
          catalog.map((p) => `${p.name} ${p.version}`).sort(),
          "the Software Catalog holds the demo site's products",
        );
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
