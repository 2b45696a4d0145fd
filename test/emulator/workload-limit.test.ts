import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../../emulator';
import {
  api,
  awayFromMinuteEnd,
  burst,
  login,
  RATE_LIMITED,
  requestToken,
  secondsToMinuteEnd,
  startOfNextSecond,
  type HttpResult,
} from './helpers';

const N = 20;

const statusesOf = (results: HttpResult[]): number[] => results.map((r) => r.status);
const count = (results: HttpResult[], status: number): number =>
  results.filter((r) => r.status === status).length;

describe('emulator workload limits', () => {
  let emu: Emulator;

  before(async () => {
    emu = await startEmulator();
  });
  after(async () => {
    await emu.close();
  });

  it('admits at most N requests per wall-clock second under a burst of 3N and answers the rest 429', async () => {
    const site = emu.addSite({ name: 'per-second', devices: 5, workloadLimit: { perSecond: N } });
    const { token } = await login(site);
    site.resetTraffic();
    await startOfNextSecond();
    const results = await burst(3 * N, () => api(site, token, '/api/v1/devices?limit=1'));
    const ok = count(results, 200);
    const limited = results.filter((r) => r.status === 429);
    assert.equal(ok + limited.length, 3 * N, statusesOf(results).join(','));
    // The burst may straddle a second boundary: every second still admits at most N.
    const traffic = site.traffic();
    for (const s of traffic.seconds) assert.ok(s.admitted <= N, `second ${s.at} admitted ${s.admitted}`);
    assert.ok(ok >= N && ok <= N * traffic.seconds.length, `admitted ${ok}`);
    assert.ok(limited.length > 0);
    for (const r of limited) {
      assert.deepEqual(r.body, RATE_LIMITED);
      // A full second frees up when the second ends: under a second away, rounded up.
      assert.equal(r.headers.get('retry-after'), '1');
    }
  });

  it('holds a per-minute limit across seconds, with Retry-After counting to the minute end', async () => {
    const site = emu.addSite({ name: 'per-minute', devices: 5, workloadLimit: { perMinute: 30 } });
    await awayFromMinuteEnd();
    const { token } = await login(site);
    const first = await burst(N, () => api(site, token, '/api/v1/devices?limit=1'));
    assert.deepEqual(statusesOf(first), Array<number>(N).fill(200));
    await startOfNextSecond();
    const sentAt = Date.now();
    const second = await burst(N, () => api(site, token, '/api/v1/devices?limit=1'));
    const answeredAt = Date.now();
    assert.equal(count(second, 200), 30 - 1 - N, 'the token request and the first burst used 21 of 30');
    for (const r of second.filter((x) => x.status === 429)) {
      assert.deepEqual(r.body, RATE_LIMITED);
      const retryAfter = Number(r.headers.get('retry-after'));
      assert.ok(
        retryAfter >= secondsToMinuteEnd(answeredAt) && retryAfter <= secondsToMinuteEnd(sentAt),
        `Retry-After ${retryAfter}`,
      );
    }
    assert.equal(site.traffic().totals.admitted, 30);
  });

  it('counts token requests against the limit and rejects them over it', async () => {
    const site = emu.addSite({ name: 'tokens', devices: 5, workloadLimit: { perMinute: 5 } });
    await awayFromMinuteEnd();
    const creds = site.createRegistration();
    const tokens = await burst(5, () => requestToken(site, creds));
    assert.deepEqual(statusesOf(tokens), [200, 200, 200, 200, 200]);
    const overToken = await requestToken(site, creds);
    assert.equal(overToken.status, 429);
    assert.deepEqual(overToken.body, RATE_LIMITED);
    assert.ok(Number(overToken.headers.get('retry-after')) >= 1);
    const overApi = await api(site, String(tokens[0]?.body.access_token), '/api/v1/devices');
    assert.equal(overApi.status, 429);
    assert.equal(site.stats().tokenRequests, 6);
    assert.deepEqual(site.traffic().totals, { received: 7, admitted: 5, rejected429: 2 });
  });

  it('changes the limit at run time, keeping the counts of the current window', async () => {
    const site = emu.addSite({ name: 'runtime', devices: 5 });
    await awayFromMinuteEnd();
    const { token } = await login(site);
    const free = await burst(3 * N, () => api(site, token, '/api/v1/devices?limit=1'));
    assert.equal(count(free, 200), 3 * N, 'no limit by default');
    const put = await fetch(`${emu.baseUrl}/admin/sites/runtime/workload-limit`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ perMinute: 3 * N + 2, retryAfter: false }),
    });
    assert.equal(put.status, 204);
    // 3N + 1 admitted this minute (the token request included): one more fits, then 429.
    assert.equal((await api(site, token, '/api/v1/devices')).status, 200);
    const over = await api(site, token, '/api/v1/devices');
    assert.equal(over.status, 429);
    assert.equal(over.headers.get('retry-after'), null);
    site.setWorkloadLimit({});
    assert.equal((await api(site, token, '/api/v1/devices')).status, 200);
  });

  it('rejects over the limit before injected faults and before the bearer check', async () => {
    const site = emu.addSite({ name: 'gateway-order', devices: 5, workloadLimit: { perMinute: 1 } });
    await awayFromMinuteEnd();
    site.setFaults({ dropRate: 1 });
    await assert.rejects(api(site, 'not-a-token', '/api/v1/devices'), 'admitted, then dropped');
    const res = await api(site, undefined, '/api/v1/devices');
    assert.equal(res.status, 429);
    assert.deepEqual(res.body, RATE_LIMITED);
    assert.deepEqual(site.stats().faultsInjected, { drop: 1 }, 'no fault drawn for the rejected request');
  });
});
