/**
 * Responses the emulator does not produce (401 twice, redirects, HTML bodies, odd token
 * responses), served by a few-line fake site on loopback.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createAlloyScanClient } from '../../activities/alloyscan';
import type { AlloyScanClient } from '../../activities/alloyscan';
import { failure } from './helpers';

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
type Handler = (path: string, req: http.IncomingMessage, body: string) => Reply;

let handler: Handler = () => ({ status: 500 });
let server: http.Server;
let baseUrl = '';
let site = 0;

before(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const reply = handler(new URL(req.url ?? '/', 'http://x').pathname, req, body);
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A client of a fresh fake site (a fresh registration key, so no cached token). */
function serve(api: (path: string) => Reply, token: Reply = okToken()): AlloyScanClient {
  handler = (path) => (path.endsWith('/api/oauth/token') ? token : api(path));
  return createAlloyScanClient({ siteUrl: `${baseUrl}/s${++site}`, clientId: 'CID', clientSecret: 'S3CRET' });
}

function okToken(): Reply {
  return { status: 200, body: { access_token: `tok-${site}`, token_type: 'Bearer', expires_in: 3600 } };
}

const page = { offset: 0, limit: 10 };

describe('AlloyScan client edge cases', () => {
  it('sends a form-urlencoded client-credentials request and a bearer token with Accept: application/json', async () => {
    const seen: string[] = [];
    const client = serve(() => ({ status: 200, body: { items: [], total: 0 } }));
    const inner = handler;
    handler = (path, req, body) => {
      seen.push(`${req.method} ${path} ${req.headers['content-type']} ${req.headers.accept} ${body}`);
      seen.push(`auth=${req.headers.authorization ?? ''}`);
      return inner(path, req, body);
    };
    await client.listDevices(page);
    assert.match(seen[0] ?? '', /^POST \/s\d+\/api\/oauth\/token application\/x-www-form-urlencoded/);
    assert.match(seen[0] ?? '', /grant_type=client_credentials&client_id=CID&client_secret=S3CRET$/);
    assert.match(seen[2] ?? '', /^GET \/s\d+\/api\/v1\/devices .* application\/json/);
    assert.match(seen[3] ?? '', /^auth=Bearer tok-\d+$/);
  });

  it('treats a second 401 after a fresh token as Transient, with one re-authentication', async () => {
    const client = serve(() => ({ status: 401, body: { error: 'invalid_token' } }));
    const err = await failure(client.listDevices(page), 'Transient');
    assert.match(err.message, /401 twice/);
    assert.equal(client.tokenRequests, 2);
    assert.equal(client.apiCalls, 4);
  });

  /** `reply`: what the list endpoint answers; `type` and `message`: the AlloyScanError expected. */
  const cases: { name: string; reply: Reply; type: string; message: RegExp }[] = [
    {
      name: 'a redirect',
      reply: { status: 302, headers: { location: 'https://other/login?x=1' } },
      type: 'ClientError',
      message: /redirected to https:\/\/other\/login \(/,
    },
    {
      name: 'an HTML page',
      reply: { status: 200, body: '<html>login</html>' },
      type: 'BadConfig',
      message: /at 127\.0\.0\.1:\d+: the site answered HTML, not the AlloyScan API: check siteUrl/,
    },
    {
      name: 'a 404 list',
      reply: { status: 404, body: { error: 'not_found' } },
      type: 'ClientError',
      message: /rejected with HTTP 404/,
    },
    {
      name: 'a 400 with a message',
      reply: { status: 400, body: { error: 'invalid_request', message: 'limit too big' } },
      type: 'ClientError',
      message: /: limit too big$/,
    },
    {
      name: 'an unknown 403',
      reply: { status: 403, body: { error: 'insufficient_scope' } },
      type: 'Forbidden',
      message: /insufficient_scope.*grant/,
    },
    {
      name: 'an HTTP-date Retry-After',
      reply: { status: 429, headers: { 'retry-after': new Date(Date.now() + 60_000).toUTCString() } },
      type: 'RateLimited',
      message: /Retry-After/,
    },
  ];
  for (const { name, reply, type, message } of cases) {
    it(`classifies ${name} as ${type}`, async () => {
      const err = await failure(serve(() => reply).listDevices(page), type);
      assert.match(err.message, message);
      if (type === 'RateLimited') assert.ok((err.retryAfterMs ?? 0) > 50_000);
    });
  }

  /** `reply`: what the token endpoint answers; `type`: the AlloyScanError expected. */
  const tokenCases: { name: string; reply: Reply; type: string }[] = [
    {
      name: '400 invalid_client',
      reply: { status: 400, body: { error: 'invalid_client' } },
      type: 'BadCredentials',
    },
    {
      name: '400 unsupported_grant_type',
      reply: { status: 400, body: { error: 'unsupported_grant_type' } },
      type: 'ClientError',
    },
    { name: '500', reply: { status: 500 }, type: 'Transient' },
    {
      name: 'a body without access_token',
      reply: { status: 200, body: { token_type: 'Bearer' } },
      type: 'SchemaMismatch',
    },
    { name: '429', reply: { status: 429, headers: { 'retry-after': '7' } }, type: 'RateLimited' },
  ];
  for (const { name, reply, type } of tokenCases) {
    it(`classifies a token endpoint answering ${name} as ${type}, after one token request`, async () => {
      const client = serve(() => ({ status: 200, body: { items: [], total: 0 } }), reply);
      await failure(client.authenticate(), type);
      assert.equal(client.tokenRequests, 1);
      assert.equal(client.apiCalls, 1);
    });
  }
});
