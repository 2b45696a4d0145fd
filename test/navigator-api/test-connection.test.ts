/** `test-connection` checks the job's Navigator: token, one listing per class, the Status values; each failure one sentence naming the setting. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type EmulatedSite, type Emulator } from '../../emulator';
import { CLIENT_ID, type FakeNavigator, SECRET, startFakeNavigator } from './fake-navigator';

const CLI = resolve(__dirname, '../../client/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'nav-test-connection-'));

let emulator: Emulator;
let nav: FakeNavigator;
let site: EmulatedSite;
let siteSecret: string;
let siteClientId: string;
before(async () => {
  [emulator, nav] = await Promise.all([startEmulator({ port: 0 }), startFakeNavigator({ computers: 3 })]);
  site = emulator.addSite({ name: 'navcheck', devices: 3, seed: 1 });
  ({ clientId: siteClientId, clientSecret: siteSecret } = site.createRegistration({ name: 'sync' }));
});
after(async () => {
  await nav?.close();
  await emulator?.close();
});

let n = 0;
/** Runs `test-connection` on a job naming a Navigator with these settings. */
function testConnection(navigator: Record<string, unknown>, navSecret = SECRET) {
  const file = join(dir, `c${++n}.json`);
  const main = {
    id: 'main',
    apiUrl: nav.apiUrl,
    clientId: CLIENT_ID,
    clientSecret: { env: 'NAV_TEST_SECRET' },
  };
  const config = {
    store: { sqlitePath: join(dir, 'store.sqlite') },
    navigators: [
      {
        ...main,
        templates: { computer: '301', inventoryItem: '302' },
        actions: { updateComputer: '250', updateInventoryItem: '251' },
        ...navigator,
      },
    ],
    jobs: [
      {
        id: 'navcheck',
        siteUrl: site.url,
        clientId: siteClientId,
        clientSecret: { env: 'SITE_TEST_SECRET' },
        schedule: { cron: '0 4 * * *' },
        navigator: 'main',
      },
    ],
  };
  writeFileSync(file, JSON.stringify(config));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((res) => {
    const env = { ...process.env, NAV_TEST_SECRET: navSecret, SITE_TEST_SECRET: siteSecret };
    const child = spawn(process.execPath, [CLI, '--config', file, 'test-connection', 'navcheck'], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => res({ code, stdout, stderr }));
  });
}

describe('test-connection with a Navigator', () => {
  it('checks the token, each configured class and the Status values', async () => {
    const r = await testConnection({});
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /connected to Navigator main at .*: classes Computers, InventoryItems, SoftwareProducts answered/,
    );
    assert.match(r.stdout, /Status values of Computers: Auto-Added, In Use, Retired/);
  });

  it('names each wrong setting in one sentence: a class, the retired status; exit code 2', async () => {
    const r = await testConnection({
      classes: { inventoryItem: 'Hardware' },
      retiredStatus: 'Decommissioned',
    });
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 2, r.stderr);
    assert.match(
      lines[0]!,
      /\[BadConfig\]: Navigator main has no object class "Hardware" .*check navigators\.main\.classes\.inventoryItem$/,
    );
    assert.match(
      lines[1]!,
      /navigators\.main\.retiredStatus "Decommissioned" is not among the Status values of Computers/,
    );
  });

  it('says a wrong secret is the clientId/clientSecret settings, exit code 1', async () => {
    const r = await testConnection({}, 'wrong');
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /\[BadCredentials\].*navigators\.main\.clientId and navigators\.main\.clientSecret/,
    );
    assert.ok(!r.stderr.includes(SECRET));
  });

  it('says where it looked when nothing listens at apiUrl, and that an HTML page is not the API', async () => {
    const port = await new Promise<number>((res) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as { port: number }).port;
        probe.close(() => res(p));
      });
    });
    const refused = await testConnection({ apiUrl: `http://127.0.0.1:${port}/api` });
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      new RegExp(`127\\.0\\.0\\.1:${port}: the connection was refused .*check navigators\\.main\\.apiUrl`),
    );
    nav.setHtmlSite(true);
    try {
      const page = await testConnection({ apiUrl: `${nav.apiUrl.replace(/\/api$/, '')}/portal` });
      assert.equal(page.code, 2, page.stderr);
      assert.match(page.stderr, /not the Navigator API: check navigators\.main\.apiUrl/);
    } finally {
      nav.setHtmlSite(false);
    }
  });
});
