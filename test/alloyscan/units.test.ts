import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRetryAfter } from '../../activities/alloyscan/classify';
import { AlloyScanError } from '../../activities/alloyscan/errors';
import { RateBudget } from '../../activities/alloyscan/rate-budget';
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

/** A budget on a fake clock: sleeping advances it. */
function fakeBudget(ceiling: number, start?: number) {
  const clock = { t: 1_000_000 };
  const budget = new RateBudget({
    ceiling,
    start,
    now: () => clock.t,
    sleep: (ms) => {
      clock.t += ms;
      return Promise.resolve();
    },
  });
  /** Send `n` requests one after another; the site admits up to `limit` per clock second. */
  const send = async (n: number, limit = Infinity, retryAfter = true) => {
    const perSecond = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      await budget.acquire();
      const second = Math.floor(clock.t / 1000);
      const count = (perSecond.get(second) ?? 0) + 1;
      perSecond.set(second, count);
      if (count > limit) budget.onThrottled(retryAfter ? 1000 - (clock.t % 1000) : undefined);
      else budget.onAnswered();
    }
    return perSecond;
  };
  return { clock, budget, send };
}

describe('rate budget', () => {
  it('lets a burst through at once, then paces at the rate', async () => {
    const { clock, send } = fakeBudget(100);
    const t0 = clock.t;
    await send(10);
    assert.equal(clock.t, t0, 'a tenth of a second of tokens goes out without waiting');
    await send(100);
    assert.ok(Math.abs(clock.t - t0 - 1000) <= 10, `100 more at 100/s took ${clock.t - t0} ms`);
  });

  it('never exceeds its ceiling in any second', async () => {
    const { send } = fakeBudget(50);
    const perSecond = await send(500);
    assert.ok(Math.max(...perSecond.values()) <= 55, JSON.stringify([...perSecond.values()]));
  });

  it('keeps to a site limit below its ceiling by its Retry-After pauses', async () => {
    const { budget, send } = fakeBudget(300);
    const seconds = [...(await send(3000, 100, true)).values()];
    // The limit plus the two 429s in a row that tell it from noise.
    assert.ok(Math.max(...seconds) <= 102, JSON.stringify(seconds));
    const settled = seconds.slice(2, -1);
    const mean = settled.reduce((a, b) => a + b, 0) / settled.length;
    assert.ok(mean >= 90, `mean ${mean} per second: ${JSON.stringify(seconds)}`);
    assert.ok(budget.state.throttled > 0);
  });

  it('learns a site limit from 429s without Retry-After and settles near it', async () => {
    const { budget, send } = fakeBudget(300);
    const seconds = [...(await send(3000, 100, false)).values()];
    // After the first few seconds no second goes far past the limit, and the rate stays near it.
    assert.ok(Math.max(...seconds.slice(4)) <= 120, JSON.stringify(seconds));
    const settled = seconds.slice(4, -1);
    const mean = settled.reduce((a, b) => a + b, 0) / settled.length;
    assert.ok(mean >= 75 && mean <= 110, `mean ${mean} per second: ${JSON.stringify(seconds)}`);
    assert.ok(budget.state.rate >= 60 && budget.state.rate <= 130, `rate ${budget.state.rate}`);
  });

  it('does not cut its rate for a 429 while it sends far below it (a fault, or another client)', async () => {
    const { clock, budget } = fakeBudget(1000);
    for (let i = 0; i < 20; i++) {
      await budget.acquire();
      clock.t += 50; // 20 calls a second: latency-bound, far below the budget
      if (i % 5 === 4) budget.onThrottled(undefined);
      else budget.onAnswered();
    }
    assert.equal(budget.state.rate, 1000);
  });

  it('does not slow down for isolated 429s at any rate (one call in 23): their callers retry alone', async () => {
    const { clock, budget } = fakeBudget(20);
    const t0 = clock.t;
    for (let i = 1; i <= 400; i++) {
      await budget.acquire();
      if (i % 23 === 0) budget.onThrottled(1000);
      else budget.onAnswered();
    }
    assert.equal(budget.state.rate, 20);
    assert.equal(budget.state.throttled, 17);
    assert.ok(clock.t - t0 <= 20_500, `400 calls at 20/s took ${clock.t - t0} ms`);
  });

  it('after an isolated 429 sends one call alone until an answer says it was noise', async () => {
    const { budget } = fakeBudget(1000);
    budget.onThrottled(1000);
    await budget.acquire(); // the probe
    let sent = false;
    const next = budget.acquire().then(() => {
      sent = true;
    });
    for (let i = 0; i < 5; i++) await Promise.resolve();
    assert.equal(sent, false, 'held behind the probe');
    budget.onAnswered();
    await next;
    assert.deepEqual({ sent, rate: budget.state.rate }, { sent: true, rate: 1000 });
  });

  it('slows down for 429s in a row: the site refuses our rate', async () => {
    const { budget } = fakeBudget(100);
    for (let i = 0; i < 80; i++) await budget.acquire();
    budget.onThrottled(1000);
    budget.onAnswered();
    budget.onThrottled(1000);
    assert.equal(budget.state.rate, 100, 'two 429s with an answer between may still be noise');
    budget.onThrottled(1000);
    assert.ok(budget.state.rate <= 70, `rate ${budget.state.rate}`);
  });

  it('cuts from the rate it sent at, not from the few calls since a store write between batches', async () => {
    // A page sends at its budget, writes a batch to the store for 1.5 s, and its first calls
    // after that meet a site full of other pages' calls: the 429s say its rate of 25/s is too
    // much, not the two or three calls it made in this clock second.
    const { clock, budget, send } = fakeBudget(75, 25);
    await send(75);
    clock.t += 1500;
    await send(3);
    budget.onThrottled(1000);
    budget.onThrottled(1000);
    assert.ok(budget.state.rate >= 0.85 * 0.9 * 25, `rate ${budget.state.rate} after the cut`);
    assert.ok(budget.state.rate <= 0.85 * 25 * 1.1, `rate ${budget.state.rate} after the cut`);
  });

  it('cuts a retried attempt from its budget, not from the list call and probe it has sent', async () => {
    // An earlier attempt learned 25/s and failed; the retry's first call (the page's list call)
    // and its probe meet a second the other pages filled: two calls are no measure of its rate.
    const { budget } = fakeBudget(75, 25);
    budget.carry({ rate: 25, throttled: 4, calls: 300, ms: 12_000 });
    await budget.acquire();
    budget.onThrottled(1000);
    await budget.acquire();
    budget.onThrottled(1000);
    const rate = budget.state.rate;
    assert.ok(rate >= 0.85 * 0.9 * 25 && rate <= 0.85 * 25 * 1.1, `rate ${rate} after the cut`);
  });

  it('never loses more than half its rate in one cut, whatever it measured', async () => {
    // A few calls in its last second of sending (they waited on slow answers): a cut to that
    // would leave the page at a crawl for the rest of the run; one second's evidence halves it.
    const { clock, budget, send } = fakeBudget(75, 40);
    await send(1);
    clock.t += 200;
    await send(1);
    for (let i = 0; i < 4; i++) {
      budget.onAnswered();
      clock.t += 300;
      await send(1);
    }
    budget.onThrottled(undefined);
    budget.onThrottled(undefined);
    assert.ok(budget.state.rate >= 0.5 * 0.85 * 40, `rate ${budget.state.rate} after one cut`);
    assert.ok(budget.state.rate < 40, `rate ${budget.state.rate}: the 429s in a row cut it`);
  });

  it('moves its rate with its share of the job, in proportion', () => {
    const { budget } = fakeBudget(100, 40);
    budget.setCeiling(400);
    assert.deepEqual({ ceiling: budget.ceiling, rate: budget.state.rate }, { ceiling: 400, rate: 160 });
    budget.setCeiling(50);
    assert.deepEqual({ ceiling: budget.ceiling, rate: budget.state.rate }, { ceiling: 50, rate: 20 });
  });

  it('pauses every call until a Retry-After that names a window (2 s or more)', async () => {
    const { clock, budget } = fakeBudget(1000);
    budget.onThrottled(2000);
    const t0 = clock.t;
    await budget.acquire();
    assert.ok(clock.t - t0 >= 2000);
  });

  it('creeps back up from where an earlier activity left off while calls succeed', async () => {
    const { clock, budget, send } = fakeBudget(100, 40);
    const t0 = clock.t;
    await send(400);
    assert.ok(
      budget.state.rate > 45,
      `rate ${budget.state.rate} after ${(clock.t - t0) / 1000} s of successes`,
    );
  });

  it('counts the calls it let through and the time spent sending, not an idle gap', async () => {
    const { clock, budget, send } = fakeBudget(100);
    const t0 = clock.t;
    await send(110);
    const sending = clock.t - t0;
    clock.t += 5000; // a store write between batches
    const t1 = clock.t;
    await send(110);
    assert.deepEqual(
      { calls: budget.state.calls, ms: budget.state.ms },
      { calls: 220, ms: sending + 250 + (clock.t - t1) },
    );
  });

  it('starts where an earlier activity left off, never above the ceiling', () => {
    assert.equal(fakeBudget(100, 40).budget.state.rate, 40);
    assert.equal(fakeBudget(100, 400).budget.state.rate, 100);
    assert.throws(() => new RateBudget({ ceiling: 0 }), /ceiling must be positive/);
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
