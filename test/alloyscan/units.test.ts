import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRetryAfter } from '../../activities/alloyscan/classify';
import { AlloyScanError } from '../../activities/alloyscan/errors';
import { RateLimiter, sharedRateLimiter } from '../../activities/alloyscan/rate-limiter';
import { resolveSettings } from '../../activities/alloyscan/settings';
import { type AccessToken, getToken, invalidateToken } from '../../activities/alloyscan/token-cache';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  const cases: [unknown, number | undefined][] = [
    ['3', 3000],
    [' 0 ', 0],
    ['1.5', 1500],
    [2, 2000],
    ['Wed, 01 Jan 2025 00:00:10 GMT', 10_000],
    ['Tue, 31 Dec 2024 23:59:00 GMT', 0],
    ['-5', undefined],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
    [['3'], undefined],
  ];
  for (const [input, expected] of cases) {
    it(`reads ${JSON.stringify(input)} as ${String(expected)}`, () => {
      assert.equal(parseRetryAfter(input, now), expected);
    });
  }
});

describe('RateLimiter', () => {
  it('spaces requests 1000/rps ms apart', async () => {
    const limiter = new RateLimiter(100);
    const started = Date.now();
    await Promise.all(Array.from({ length: 11 }, () => limiter.acquire()));
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 95 && elapsed < 600, `11 requests at 100/s took ${elapsed} ms`);
  });

  it('gives slots in order from a fake clock', async () => {
    let t = 1000;
    const limiter = new RateLimiter(1000, () => t);
    await limiter.acquire();
    t += 5;
    await limiter.acquire();
    const before = Date.now();
    await limiter.acquire();
    assert.ok(Date.now() - before < 50);
  });

  it('is shared per registration and takes the latest rate', () => {
    const a = sharedRateLimiter('reg-a', 5);
    assert.equal(sharedRateLimiter('reg-a', 10), a);
    assert.notEqual(sharedRateLimiter('reg-b', 5), a);
  });
});

describe('token cache', () => {
  const tok = (value: string, lifetimeMs = 60_000): AccessToken => ({
    value,
    expiresAt: Date.now() + lifetimeMs,
    lifetimeMs,
  });

  it('shares one in-flight token request between concurrent callers', async () => {
    let calls = 0;
    const fetch = async (): Promise<AccessToken> => {
      calls++;
      await new Promise((r) => setTimeout(r, 20));
      return tok('t1');
    };
    const got = await Promise.all(Array.from({ length: 5 }, () => getToken('k-single', fetch, 1000)));
    assert.equal(calls, 1);
    assert.ok(got.every((t) => t.value === 't1'));
    await getToken('k-single', fetch, 1000);
    assert.equal(calls, 1);
  });

  it('does not cache a failure: one failed fetch per call', async () => {
    let calls = 0;
    const fetch = (): Promise<AccessToken> => {
      calls++;
      return Promise.reject(new Error('invalid_client'));
    };
    await Promise.all([
      assert.rejects(getToken('k-fail', fetch, 0)),
      assert.rejects(getToken('k-fail', fetch, 0)),
    ]);
    assert.equal(calls, 1);
    await assert.rejects(getToken('k-fail', fetch, 0));
    assert.equal(calls, 2);
  });

  it('refreshes inside the margin, capped at half the lifetime', async () => {
    let n = 0;
    const fetch = (): Promise<AccessToken> => Promise.resolve(tok(`t${++n}`, 2000));
    const first = await getToken('k-ttl', fetch, 60_000);
    assert.equal((await getToken('k-ttl', fetch, 60_000)).value, first.value);
    const later = await getToken('k-ttl', fetch, 60_000, first.expiresAt - 500);
    assert.equal(later.value, 't2');
  });

  it('invalidates only the token that failed', async () => {
    let n = 0;
    const fetch = (): Promise<AccessToken> => Promise.resolve(tok(`t${++n}`));
    const old = await getToken('k-inv', fetch, 0);
    invalidateToken('k-inv', old);
    const fresh = await getToken('k-inv', fetch, 0);
    invalidateToken('k-inv', old);
    assert.equal((await getToken('k-inv', fetch, 0)).value, fresh.value);
    assert.equal(n, 2);
  });
});

describe('client settings', () => {
  const base = { siteUrl: 'https://acme.alloyservice.com/', clientId: 'c', clientSecret: 's' };
  const bad: { name: string; patch: object; message: RegExp }[] = [
    { name: 'a non-URL site', patch: { siteUrl: 'acme' }, message: /siteUrl is not a URL/ },
    { name: 'an ftp site', patch: { siteUrl: 'ftp://acme' }, message: /siteUrl must be an http\(s\) URL/ },
    {
      name: 'credentials in the URL',
      patch: { siteUrl: 'https://u:p@acme' },
      message: /siteUrl must not carry credentials/,
    },
    { name: 'an empty client ID', patch: { clientId: ' ' }, message: /clientId is empty/ },
    { name: 'an empty secret', patch: { clientSecret: '' }, message: /clientSecret is empty/ },
    {
      name: 'a zero rate',
      patch: { requestsPerSecond: 0 },
      message: /requestsPerSecond must be a positive number/,
    },
    { name: 'a NaN timeout', patch: { timeoutMs: NaN }, message: /timeoutMs must be a positive number/ },
  ];
  for (const { name, patch, message } of bad) {
    it(`rejects ${name} as BadConfig`, () => {
      assert.throws(
        () => resolveSettings({ ...base, ...patch }),
        (err: unknown) =>
          err instanceof AlloyScanError && err.type === 'BadConfig' && message.test(err.message),
      );
    });
  }

  it('applies the defaults and trims the site URL', () => {
    assert.deepEqual(resolveSettings(base), {
      siteUrl: 'https://acme.alloyservice.com',
      clientId: 'c',
      tokenPath: '/api/oauth/token',
      timeoutMs: 30_000,
      requestsPerSecond: 20,
      refreshMarginMs: 60_000,
    });
  });
});
