/** Pure logic of the Navigator client: value normalising, answer schemas, the classification table, token arithmetic, settings. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { classifyFailure, toActivityFailure } from '../../activities/failures';
import { type Answer, type CallContext, judge, tokenFailure } from '../../activities/navigator/classify';
import { NavigatorError } from '../../activities/navigator/errors';
import { rowsOf, objectOf } from '../../activities/navigator/rows';
import {
  envelopeSchema,
  listBody,
  normaliseValue,
  tokenAnswerSchema,
} from '../../activities/navigator/schema';
import { resolveNavigatorSettings } from '../../activities/navigator/settings';
import { getToken, renewsAt, tokenFrom } from '../../activities/navigator/token-cache';

const ctx: CallContext = {
  navigatorId: 'main',
  method: 'POST',
  path: '/v2/Computers',
  hostPort: '127.0.0.1:8788',
  redact: (t) => t.split('s3cret').join('[redacted]'),
};
const where = { navigatorId: 'main', method: 'POST', path: '/v2/Computers' };
const env = (errorText: string, success = false, responseObject: unknown = null) => ({
  success,
  errorCode: success ? 0 : 7,
  errorText,
  responseObject,
});

describe('Navigator values', () => {
  const cases: [string | number | boolean | null | undefined, string | null][] = [
    ['{6D97A3F1-0B2C-4D5E-8F90-1A2B3C4D5E6F}', '6d97a3f1-0b2c-4d5e-8f90-1a2b3c4d5e6f'],
    ['6D97A3F1-0B2C-4D5E-8F90-1A2B3C4D5E6F', '6d97a3f1-0b2c-4d5e-8f90-1a2b3c4d5e6f'],
    ['{not-a-guid}', '{not-a-guid}'],
    ['', null],
    [null, null],
    [undefined, null],
    [' ', ' '],
    ['PC-0042', 'PC-0042'],
    [42, '42'],
    [false, 'false'],
  ];
  for (const [input, expected] of cases)
    it(`reads ${JSON.stringify(input)} as ${JSON.stringify(expected)}`, () =>
      assert.equal(normaliseValue(input), expected));

  it('turns a listing into rows keyed by the returned field names', () => {
    const body = {
      Fields: [{ Name: 'ID', DataType: 'guid', Caption: 'ID' }, { Name: 'Name' }, { Name: 'Serial' }],
      Data: [['{6D97A3F1-0B2C-4D5E-8F90-1A2B3C4D5E6F}', 'PC-0042', '']],
    };
    assert.deepEqual(rowsOf(body, where), [
      { ID: '6d97a3f1-0b2c-4d5e-8f90-1a2b3c4d5e6f', Name: 'PC-0042', Serial: null },
    ]);
    assert.deepEqual(
      objectOf(
        {
          Items: [
            { name: 'OID', caption: 'OID', value: 'C000057' },
            { name: 'Serial', value: '' },
          ],
        },
        where,
      ),
      {
        OID: 'C000057',
        Serial: null,
      },
    );
  });

  it('refuses a listing whose rows do not match its fields as SchemaMismatch', () => {
    assert.throws(
      () => rowsOf({ Fields: [{ Name: 'ID' }], Data: [['a', 'b']] }, where),
      (e: unknown) =>
        e instanceof NavigatorError &&
        e.type === 'SchemaMismatch' &&
        /row 0 with 2 values for 1 fields/.test(e.message),
    );
  });

  it('reads the envelope: success:false with its errorText and a numeric errorCode', () => {
    const parsed = envelopeSchema.parse({
      success: false,
      errorCode: '12',
      errorText: 'bad',
      responseObject: null,
    });
    assert.deepEqual(parsed, { success: false, errorCode: 12, errorText: 'bad', responseObject: null });
    assert.equal(envelopeSchema.safeParse({ items: [] }).success, false);
  });

  it('reads a token answer: expires_in when present, 8 h when absent', () => {
    assert.equal(tokenAnswerSchema.parse({ access_token: 't', expires_in: '600' }).expires_in, 600);
    assert.equal(tokenAnswerSchema.parse({ access_token: 't' }).expires_in, 28_800);
    assert.equal(tokenAnswerSchema.safeParse({ access_token: ' ' }).success, false);
  });

  it('builds a listing body: operation = and sort by ID ascending unless told', () => {
    assert.deepEqual(
      listBody({ fields: ['ID'], filters: [{ name: 'Name', value: 'x' }], offset: 0, limit: 5 }),
      {
        fields: ['ID'],
        filters: [{ name: 'Name', value: 'x', operation: '=' }],
        sort: [{ property: 'ID', direction: 'asc' }],
        offset: 0,
        limit: 5,
      },
    );
  });
});

describe('Navigator answer classification', () => {
  const html = '<!doctype html><html>Sign in</html>';
  // answer → verdict kind, failure type, and a fragment of the message
  const table: [string, Answer, string, string?, RegExp?][] = [
    ['a successful envelope', { status: 200, data: env('', true, { x: 1 }) }, 'ok'],
    ['HTTP 200 with success:false', { status: 200, data: env('The value is bad.') }, 'refused'],
    ['a 401', { status: 401, data: env('Authorization has been denied for this request.') }, 'denied'],
    [
      'denied as HTTP 200',
      { status: 200, data: env('Authorization has been denied for this request.') },
      'denied',
    ],
    ['a 403', { status: 403, data: env('') }, 'failed', 'Forbidden', /navigators\.main\.clientId/],
    [
      'no permissions, HTTP 200',
      { status: 200, data: env('You do not have enough permissions to access this item.') },
      'failed',
      'Forbidden',
    ],
    [
      'a 429 with Retry-After',
      { status: 429, data: env('slow down'), retryAfter: '3' },
      'failed',
      'RateLimited',
      /after 3000 ms/,
    ],
    ['a 503', { status: 503, data: '' }, 'failed', 'Transient'],
    [
      'a 502 HTML page of a proxy',
      { status: 502, data: html, contentType: 'text/html' },
      'failed',
      'Transient',
    ],
    ['a 408', { status: 408, data: '' }, 'failed', 'Transient'],
    [
      'server trouble told as HTTP 200 with success:false',
      { status: 200, data: env('The service is temporarily unavailable.') },
      'failed',
      'Transient',
    ],
    [
      'throttling told as HTTP 200 with success:false',
      { status: 200, data: env('The API workload limit has been exceeded. Try again later.') },
      'failed',
      'RateLimited',
    ],
    [
      'an HTML page',
      { status: 200, data: html, contentType: 'text/html' },
      'failed',
      'BadConfig',
      /not the Navigator API: check navigators\.main\.apiUrl/,
    ],
    ['an HTML 404', { status: 404, data: html }, 'failed', 'BadConfig', /not the Navigator API/],
    ['a redirect', { status: 302, data: '' }, 'failed', 'BadConfig', /redirected/],
    [
      'JSON without the envelope',
      { status: 200, data: { items: [] } },
      'failed',
      'BadConfig',
      /without the Navigator envelope/,
    ],
    ['a 404 with no message', { status: 404, data: '' }, 'failed', 'BadConfig', /no such route/],
    [
      'an unknown class',
      { status: 404, data: env('Object class "Computerz" not found.') },
      'failed',
      'BadConfig',
      /class "Computerz".*navigators\.main\.classes/,
    ],
    [
      'an unknown field',
      { status: 400, data: env('Field "Serial_No" not found.') },
      'failed',
      'BadConfig',
      /field "Serial_No"/,
    ],
    [
      'an unknown action',
      { status: 404, data: env('Action 999 not found.') },
      'failed',
      'BadConfig',
      /action 999.*navigators\.main\.templates/,
    ],
    ['an object not found', { status: 404, data: env('Object C000999 not found.') }, 'missing'],
    [
      'an action not open',
      { status: 200, data: env('The action is not available for this object.') },
      'refused',
    ],
    ['another 4xx', { status: 400, data: env('The field "Name" is mandatory.') }, 'refused'],
  ];
  for (const [name, answer, kind, type, message] of table)
    it(`judges ${name} as ${type ?? kind}`, () => {
      const v = judge(answer, ctx);
      assert.equal(v.kind, kind);
      if (v.kind === 'failed') {
        assert.equal(v.error.type, type);
        if (message) assert.match(v.error.message, message);
      }
    });

  it("names the caller's setting for an unknown action, and redacts the secret from errorText", () => {
    const v = judge(
      { status: 404, data: env('Action 301 not found.') },
      { ...ctx, setting: 'navigators.main.templates.computer' },
    );
    assert.ok(v.kind === 'failed' && /check navigators\.main\.templates\.computer$/.test(v.error.message));
    const r = judge({ status: 400, data: env('bad value s3cret') }, ctx);
    assert.deepEqual(r.kind === 'refused' && r.errorText, 'bad value [redacted]');
  });

  it('fails refused credentials as BadCredentials naming both settings', () => {
    const err = tokenFailure({ status: 400, data: { error: 'invalid_client' } }, ctx);
    assert.equal(err.type, 'BadCredentials');
    assert.match(
      err.message,
      /invalid_client.*navigators\.main\.clientId and navigators\.main\.clientSecret/,
    );
    assert.equal(tokenFailure({ status: 404, data: '' }, ctx).type, 'BadConfig');
    assert.equal(
      tokenFailure({ status: 200, data: '<html>', contentType: 'text/html' }, ctx).type,
      'BadConfig',
    );
    assert.equal(tokenFailure({ status: 500, data: '' }, ctx).type, 'Transient');
  });
});

describe('Navigator token arithmetic', () => {
  const margin = 5 * 60_000;
  it('expires a token expires_in after it was asked for, and renews it 5 minutes before', () => {
    const t = tokenFrom('x', 28_800, 1_000_000);
    assert.equal(t.expiresAt, 1_000_000 + 28_800_000);
    assert.equal(renewsAt(t, margin), 1_000_000 + 28_800_000 - 300_000);
  });
  it('renews a short token at half its lifetime', () => {
    assert.equal(renewsAt(tokenFrom('x', 240, 0), margin), 120_000);
  });
  it('reuses the cached token until renewsAt, then asks once', async () => {
    let asked = 0;
    const fetch = () => Promise.resolve(tokenFrom(`t${++asked}`, 3600, 0));
    const key = 'units-token';
    assert.equal((await getToken(key, fetch, margin, 0)).value, 't1');
    assert.equal((await getToken(key, fetch, margin, 3_600_000 - margin - 1)).value, 't1');
    assert.equal((await getToken(key, fetch, margin, 3_600_000 - margin)).value, 't2');
    assert.equal(asked, 2);
  });
});

describe('Navigator client settings', () => {
  const base = {
    navigatorId: 'main',
    apiUrl: 'http://127.0.0.1:8788/api/',
    clientId: 'app',
    clientSecret: 's',
  };
  it('fills in defaults and names host:port', () => {
    const s = resolveNavigatorSettings(base);
    assert.equal(s.apiUrl, 'http://127.0.0.1:8788/api');
    assert.equal(s.hostPort, '127.0.0.1:8788');
    assert.equal(
      resolveNavigatorSettings({ ...base, apiUrl: 'https://nav.example.com/api' }).hostPort,
      'nav.example.com:443',
    );
    assert.deepEqual(
      [s.pageSize, s.concurrency, s.requestsPerSecond, s.refreshMarginMs],
      [200, 4, 20, 300_000],
    );
  });
  const bad: [Partial<typeof base> & { pageSize?: number }, RegExp][] = [
    [{ apiUrl: 'nav/api' }, /navigators\.main\.apiUrl is not a URL/],
    [{ apiUrl: 'ftp://nav/api' }, /navigators\.main\.apiUrl must be an http\(s\) URL/],
    [{ apiUrl: 'http://u:p@nav/api' }, /navigators\.main\.apiUrl must not carry credentials/],
    [{ clientId: ' ' }, /navigators\.main\.clientId is empty/],
    [{ clientSecret: '' }, /navigators\.main\.clientSecret resolves to an empty secret/],
    [{ pageSize: 0 }, /navigators\.main\.pageSize must be a positive number/],
  ];
  for (const [change, message] of bad)
    it(`refuses ${JSON.stringify(change)} as BadConfig`, () => {
      assert.throws(
        () => resolveNavigatorSettings({ ...base, ...change }),
        (e: unknown) => e instanceof NavigatorError && e.type === 'BadConfig' && message.test(e.message),
      );
    });
});

describe('NavigatorError in the one failure map', () => {
  it('keeps its type and message; retries a 429 after Retry-After; never retries setup errors', () => {
    const throttled = judge({ status: 429, data: env('busy'), retryAfter: '2' }, ctx);
    assert.ok(throttled.kind === 'failed');
    const f = classifyFailure(throttled.error);
    assert.deepEqual([f.type, f.retryable, f.retryAfterMs], ['RateLimited', true, 2000]);
    const af = toActivityFailure(throttled.error);
    assert.ok(af instanceof ApplicationFailure);
    assert.deepEqual([af.type, af.nonRetryable, af.nextRetryDelay], ['RateLimited', false, 2000]);
    const setup = judge({ status: 404, data: env('Action 7 not found.') }, ctx);
    assert.ok(setup.kind === 'failed');
    const g = classifyFailure(setup.error);
    assert.deepEqual([g.type, g.retryable], ['BadConfig', false]);
    assert.equal(g.message, setup.error.message);
  });
});
