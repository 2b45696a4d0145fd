import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startNavigatorEmulator, type NavigatorEmulator } from '../../emulator/navigator';
import { admin, assertFailure, call, createComputer, login, ok, requestToken, type Json } from './helpers';

const computers = async (emu: NavigatorEmulator): Promise<Json[]> =>
  (await admin<{ records: Json[] }>(emu, 'GET', '/records?class=Computers')).body.records;

describe('Navigator emulator: faults', () => {
  let emu: NavigatorEmulator;
  let token: string;

  before(async () => {
    emu = await startNavigatorEmulator({ products: { count: 3 } });
    token = await login(emu);
  });
  beforeEach(() => {
    emu.setFaults({});
    emu.resetCounters();
  });
  after(async () => {
    await emu.close();
  });

  it('answers 500/503 in the envelope and counts them', async () => {
    emu.setFaults({ rate5xx: 1 });
    const res = await call(emu, token, 'GET', '/v2/Computers');
    assert.ok([500, 503].includes(res.status), String(res.status));
    assertFailure(res, res.status, /unexpected error|temporarily unavailable/);
    assert.equal(emu.counters().faults5xx, 1);
  });

  it('answers 429 with Retry-After and the envelope', async () => {
    emu.setFaults({ rate429: 1, retryAfterSeconds: 2 });
    const res = await call(emu, token, 'GET', '/v2/Computers');
    assertFailure(res, 429, 'The API workload limit has been exceeded. Try again later.');
    assert.equal(res.headers.get('retry-after'), '2');
    assert.equal(emu.counters().throttled429, 1);
  });

  it('drops the connection with no answer, and delays answers', async () => {
    emu.setFaults({ rateDrop: 1 });
    await assert.rejects(call(emu, token, 'GET', '/v2/Computers'));
    assert.equal(emu.counters().drops, 1);
    emu.setFaults({ rateSlow: 1, slowMs: 150 });
    const t0 = Date.now();
    await ok(emu, token, 'GET', '/v2/Computers');
    assert.ok(Date.now() - t0 >= 140);
  });

  it('commits a create whose answer is lost: no answer, yet the record exists', async () => {
    emu.setFaults({ rateLostAnswer: 1 });
    await ok(emu, token, 'GET', '/v2/Computers'); // listings are not writes: answered
    await assert.rejects(
      call(emu, token, 'POST', '/v2', { ActionId: '301', Fields: { Name: 'LOST-1', Audit_ID: 'dev-lost' } }),
    );
    emu.setFaults({});
    const found = await ok<{ Data: string[][] }>(
      emu,
      token,
      'GET',
      '/v2/Computers?par_fields=OID,Name&Audit_ID=dev-lost',
    );
    assert.equal(found.Data.length, 1);
    assert.equal(found.Data[0]?.[1], 'LOST-1');
    const c = emu.counters();
    assert.deepEqual([c.lostAnswers, c.drops, c.creates.Computers], [1, 1, 1]);
  });

  it('does not count a lost answer for a refused write (nothing was committed)', async () => {
    emu.setFaults({ rateLostAnswer: 1 });
    await assert.rejects(
      call(emu, token, 'POST', '/v2', { ActionId: '301', Fields: { Serial_Num: 'no name' } }),
    );
    const c = emu.counters();
    assert.deepEqual([c.lostAnswers, c.drops, c.creates.Computers ?? 0], [0, 1, 0]);
  });

  it('arms failNext for the next calls of one route only, then answers normally', async () => {
    const pc = await createComputer(emu, token, { Name: 'PC-F' });
    emu.setFaults({ failNext: { kind: '5xx', count: 2, route: 'list' } });
    await ok(emu, token, 'GET', `/v2/object/${pc.ObjectOID}`);
    for (let i = 0; i < 2; i++) assert.equal((await call(emu, token, 'GET', '/v2/Computers')).status, 503);
    await ok(emu, token, 'GET', '/v2/Computers');
  });

  it('arms a lost answer on a step action: the update is committed, the socket dropped', async () => {
    const pc = await createComputer(emu, token, { Name: 'PC-G' });
    emu.setFaults({ failNext: { kind: 'lostAnswer', count: 1, route: 'action' } });
    await assert.rejects(
      call(emu, token, 'POST', `/v2/object/${pc.ObjectOID}/action/401`, { Notes: 'written' }),
    );
    assert.equal(emu.store.of('computer')?.get(pc.ObjectOID)?.Notes, 'written');
    assert.equal(emu.counters().lostAnswers, 1);
    assert.equal(emu.counters().updates.Computers, 1);
  });

  it('arms a 429 on creates (nothing created) and a drop on the token route', async () => {
    const before = (await computers(emu)).length;
    emu.setFaults({
      failNext: [
        { kind: '429', count: 1, route: 'create' },
        { kind: 'drop', count: 1, route: 'token' },
      ],
    });
    assert.equal(
      (await call(emu, token, 'POST', '/v2', { ActionId: '301', Fields: { Name: 'X' } })).status,
      429,
    );
    assert.equal((await computers(emu)).length, before);
    await assert.rejects(requestToken(emu));
    assert.equal((await requestToken(emu)).status, 200);
  });

  it('never faults a token request unless failNext names the token route', async () => {
    emu.setFaults({ rate5xx: 1, rateDrop: 1, rate429: 1, failNext: { kind: '5xx', count: 1 } });
    assert.equal((await requestToken(emu)).status, 200);
    assert.equal(
      (await call(emu, token, 'GET', '/v2/Computers')).status,
      503,
      'the armed fault went to the API call',
    );
  });

  it('replays the same fault sequence for the same seed', async () => {
    const sequence = async (): Promise<number[]> => {
      emu.setFaults({ seed: 42, rate429: 0.3, rate5xx: 0.2 });
      const out: number[] = [];
      for (let i = 0; i < 30; i++)
        out.push((await call(emu, token, 'GET', '/v2/Computers?par_limit=1')).status);
      return out;
    };
    const first = await sequence();
    assert.deepEqual(await sequence(), first);
    assert.ok(first.includes(200) && first.includes(429), first.join(','));
  });

  it('sets faults at run time through POST /admin/faults, and refuses bad ones naming the field', async () => {
    assert.equal(
      (await admin(emu, 'POST', '/faults', { failNext: { kind: 'drop', route: 'object' } })).status,
      204,
    );
    const current = await admin<Json>(emu, 'GET', '/faults');
    assert.deepEqual(current.body.failNext, [{ kind: 'drop', count: 1, route: 'object' }]);
    const bad = await admin<Json>(emu, 'POST', '/faults', { rate5xx: 2 });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.message), /rate5xx/);
    const unknown = await admin<Json>(emu, 'POST', '/faults', { failNext: { kind: 'explode' } });
    assert.match(String(unknown.body.message), /failNext/);
  });
});

describe('Navigator emulator: workload limit', () => {
  it('answers 429 + Retry-After above the calls per second over all clients, token requests included', async () => {
    const emu = await startNavigatorEmulator({ products: { count: 1 }, faults: { workloadLimit: 5 } });
    try {
      const token = await login(emu);
      await sleep(1000 - (Date.now() % 1000) + 5);
      emu.resetCounters();
      const results = await Promise.all(
        Array.from({ length: 15 }, () => call(emu, token, 'GET', '/v2/Computers')),
      );
      const limited = results.filter((r) => r.status === 429);
      assert.ok(limited.length >= 5, `${limited.length} throttled`);
      for (const r of limited) {
        assert.equal(r.headers.get('retry-after'), '1');
        assert.equal(r.body.success, false);
      }
      const c = emu.counters();
      assert.equal(c.throttled429, limited.length);
      assert.ok(c.maxAdmittedInOneSecond <= 5, `admitted ${c.maxAdmittedInOneSecond} in one second`);
      assert.equal(c.maxCallsInOneSecond >= 8, true);
      await sleep(1000 - (Date.now() % 1000) + 5);
      const tokens = await Promise.all(Array.from({ length: 8 }, () => requestToken(emu)));
      assert.ok(
        tokens.some((t) => t.status === 429),
        'token requests count against the limit',
      );
    } finally {
      await emu.close();
    }
  });
});
