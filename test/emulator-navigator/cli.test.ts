import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNode, type Child } from '../helpers/processes';
import type { Json } from './helpers';

describe('Navigator emulator CLI: start', () => {
  let child: Child;
  let dir: string;
  const secretFile = (): string => join(dir, 'navigator-secret');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nav-cli-'));
    const args = ['start', '--port', '0', '--seed', '7', '--products', '4', '--secret-file', secretFile()];
    child = await startNode('emulator/navigator/cli.js', args, {}, /ground truth: /);
  });
  after(async () => {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints its API URL and Application ID, and writes the secret only to a 0600 file', () => {
    const out = child.output();
    assert.match(out, /^API URL: +http:\/\/127\.0\.0\.1:\d+\/api$/m);
    assert.match(out, /^Application ID: +[0-9a-f-]{36}$/m);
    const secret = readFileSync(secretFile(), 'utf8');
    assert.ok(secret.length >= 20);
    assert.equal(statSync(secretFile()).mode & 0o777, 0o600);
    assert.ok(!out.includes(secret), 'the secret is never printed');
  });

  it('serves a token to the printed Application and the catalog it was asked for', async () => {
    const out = child.output();
    const apiUrl = /^API URL: +(\S+)$/m.exec(out)?.[1] ?? '';
    const clientId = /^Application ID: +(\S+)$/m.exec(out)?.[1] ?? '';
    const res = await fetch(`${apiUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: readFileSync(secretFile(), 'utf8'),
      }),
    });
    assert.equal(res.status, 200);
    const token = String(((await res.json()) as Json).access_token);
    const list = await fetch(`${apiUrl}/v2/SoftwareProducts?par_fields=ID`, {
      headers: { authorization: `bearer ${token}` },
    });
    const body = (await list.json()) as { responseObject: { Data: string[][] } };
    assert.equal(body.responseObject.Data.length, 4);
  });
});
