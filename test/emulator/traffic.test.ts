import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type Emulator, type WorkloadLimit } from '../../emulator';
import { api, burst, login, requestToken, startOfNextSecond, type HttpResult, type Json } from './helpers';

const N = 20;

describe('emulator traffic meter', () => {
  let emu: Emulator;
  let admin: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Json }>;

  before(async () => {
    emu = await startEmulator();
    admin = async (method, path, body) => {
      const res = await fetch(`${emu.baseUrl}/admin/sites${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as Json };
    };
  });
  after(async () => {
    await emu.close();
  });

  it('counts what the client sent: received = sent, admitted = 2xx, rejected = 429', async () => {
    const site = emu.addSite({ name: 'metered', devices: 5, workloadLimit: { perSecond: N } });
    const creds = site.createRegistration();
    const firstAt = Math.floor(Date.now() / 1000);
    const { token } = await login(site);
    const observed: HttpResult[] = [];
    for (let round = 0; round < 2; round++) {
      await startOfNextSecond();
      const [tokens, calls] = await Promise.all([
        burst(N / 2, () => requestToken(site, creds)),
        burst(2 * N, () => api(site, token, '/api/v1/devices?limit=1')),
      ]);
      observed.push(...tokens, ...calls);
    }
    const lastAt = Math.floor(Date.now() / 1000);
    const ok = observed.filter((r) => r.status === 200).length;
    const limited = observed.filter((r) => r.status === 429).length;
    assert.equal(ok + limited, observed.length, 'only 200 and 429 answers');
    assert.ok(limited > 0, 'bursts of 2.5N per second went over the limit');
    const traffic = site.traffic();
    // One more on each side for the login's token request.
    assert.deepEqual(traffic.totals, {
      received: observed.length + 1,
      admitted: ok + 1,
      rejected429: limited,
    });
    const sum = { received: 0, admitted: 0, rejected: 0 };
    for (const s of traffic.seconds) {
      assert.ok(s.at >= firstAt && s.at <= lastAt, `second ${s.at} outside ${firstAt}..${lastAt}`);
      assert.equal(s.received, s.admitted + s.rejected);
      assert.ok(s.admitted <= N, `second ${s.at} admitted ${s.admitted}`);
      sum.received += s.received;
      sum.admitted += s.admitted;
      sum.rejected += s.rejected;
    }
    assert.deepEqual(sum, { received: observed.length + 1, admitted: ok + 1, rejected: limited });
    const ats = traffic.seconds.map((s) => s.at);
    assert.deepEqual(
      ats,
      [...ats].sort((a, b) => a - b),
      'oldest first',
    );
  });

  it('serves the same report on GET /admin/sites/:site/traffic and resets it with DELETE', async () => {
    const site = emu.site('metered');
    const report = await admin('GET', '/metered/traffic');
    assert.equal(report.status, 200);
    assert.deepEqual(report.body, site.traffic());
    assert.equal((await admin('DELETE', '/metered/traffic')).status, 204);
    assert.deepEqual(site.traffic(), { seconds: [], totals: { received: 0, admitted: 0, rejected429: 0 } });
    assert.equal((await admin('GET', '/nope/traffic')).status, 404);
  });

  it('meters every request with no limit set: all admitted', async () => {
    const site = emu.addSite({ name: 'unlimited', devices: 5 });
    const { token } = await login(site);
    const results = await burst(3 * N, () => api(site, token, '/api/v1/devices?limit=1'));
    assert.ok(results.every((r) => r.status === 200));
    assert.deepEqual(site.traffic().totals, { received: 3 * N + 1, admitted: 3 * N + 1, rejected429: 0 });
    site.resetTraffic();
    assert.equal(site.traffic().totals.received, 0);
  });

  const BAD: [input: Record<string, unknown>, field: string][] = [
    [{ perSecond: 0 }, 'perSecond'],
    [{ perSecond: -1 }, 'perSecond'],
    [{ perMinute: 0 }, 'perMinute'],
    [{ perMinute: 2.5 }, 'perMinute'],
    [{ perSecond: '10' }, 'perSecond'],
    [{ retryAfter: 'yes' }, 'retryAfter'],
    [{ perSecond: 10, burst: 5 }, 'burst'],
  ];

  it('refuses a workload limit that is not positive integers, naming the field', async () => {
    const site = emu.addSite({ name: 'validated', devices: 1 });
    for (const [input, field] of BAD) {
      const named = new RegExp(`\\b${field}\\b`);
      const label = JSON.stringify(input);
      const limit = input as WorkloadLimit;
      assert.throws(() => emu.addSite({ name: 'bad', workloadLimit: limit }), named, label);
      const created = await admin('POST', '', { name: 'bad', workloadLimit: input });
      assert.equal(created.status, 400, label);
      assert.match(String(created.body.message), /workloadLimit/, label);
      assert.match(String(created.body.message), named, label);
      assert.throws(() => site.setWorkloadLimit(limit), named, label);
      const put = await admin('PUT', '/validated/workload-limit', input);
      assert.equal(put.status, 400, label);
      assert.match(String(put.body.message), named, label);
    }
    assert.throws(() => emu.site('bad'), /unknown site/);
  });
});
