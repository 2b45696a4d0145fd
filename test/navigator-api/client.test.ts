/** The Navigator client over real HTTP against the fake Navigator: paging, tokens, writes and every fault the client must tell apart. */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createNavigatorClient, NavigatorError } from '../../activities/navigator';
import type { NavigatorClient, NavigatorClientOptions, NavigatorRow } from '../../activities/navigator';
import {
  CLIENT_ID,
  type FakeNavigator,
  PAGE_CAP,
  SECRET,
  STATUSES,
  startFakeNavigator,
} from './fake-navigator';

let nav: FakeNavigator;
before(async () => {
  nav = await startFakeNavigator({ computers: 100 });
});
after(() => nav?.close());

let n = 0;
/** A client with its own Navigator id (so its own limits), a fast budget unless told. */
function connect(extra: Partial<NavigatorClientOptions> = {}, fake = nav): NavigatorClient {
  return createNavigatorClient({
    navigatorId: `main-${++n}`,
    apiUrl: fake.apiUrl,
    clientId: CLIENT_ID,
    clientSecret: SECRET,
    requestsPerSecond: 1000,
    ...extra,
  });
}

async function failure(p: Promise<unknown>, type: string): Promise<NavigatorError> {
  const err = await p.then(
    () => assert.fail(`expected ${type}, got success`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof NavigatorError, `expected NavigatorError, got ${String(err)}`);
  assert.equal(err.type, type, err.message);
  return err;
}

const computers = { className: 'Computers', fields: ['ID', 'OID', 'Name', 'Audit_ID'] };

describe('Navigator client: listing and objects', () => {
  it('pages to an empty page past a page cap of 37, advancing by the rows received', async () => {
    const client = connect({ pageSize: 50 });
    const pages: NavigatorRow[][] = [];
    for await (const page of client.listAll(computers)) pages.push(page);
    assert.deepEqual(
      pages.map((p) => p.length),
      [PAGE_CAP, PAGE_CAP, 100 - 2 * PAGE_CAP],
    );
    const rows = pages.flat();
    assert.equal(new Set(rows.map((r) => r.ID)).size, 100);
    assert.match(rows[0]!.ID!, /^[0-9a-f]{8}-[0-9a-f-]{27}$/, 'GUIDs unbraced and lower-case');
    assert.equal(rows[0]!.Audit_ID, null, '"" read as null');
    assert.equal(client.apiCalls, 1 + 4, 'one token request, four listing calls (the last one empty)');
  });

  it('filters, and reads one object by OID; undefined when Navigator says it is not found', async () => {
    const client = connect();
    const rows = await client.listPage({
      ...computers,
      filters: [{ name: 'Name', value: 'PC-0007' }],
      offset: 0,
      limit: 10,
    });
    assert.deepEqual(
      rows.map((r) => r.OID),
      ['C000007'],
    );
    const obj = await client.getObject('C000007');
    assert.equal(obj?.Name, 'PC-0007');
    assert.equal(await client.getObject('C999999'), undefined);
  });

  it('reads the Status dictionary and checks an action', async () => {
    const client = connect();
    assert.deepEqual(await client.dictionary('Computers', 'Status'), STATUSES);
    assert.equal(await client.checkAction('C000001', '250'), true);
    assert.equal(await client.checkAction('C999999', '250'), false);
  });

  it('fails an unknown class or field as BadConfig naming the setting', async () => {
    const client = connect();
    const cls = await failure(
      client.listPage({
        className: 'Computerz',
        fields: ['ID'],
        offset: 0,
        limit: 1,
        setting: 'navigators.x.classes.computer',
      }),
      'BadConfig',
    );
    assert.match(cls.message, /no object class "Computerz".*check navigators\.x\.classes\.computer$/);
    const field = await failure(
      client.listPage({ ...computers, fields: ['Serial_No'], offset: 0, limit: 1 }),
      'BadConfig',
    );
    assert.match(field.message, /no field "Serial_No"/);
    const dict = await failure(
      client.dictionary('Computers', 'Colour', { setting: 'navigators.x.statusField' }),
      'BadConfig',
    );
    assert.match(dict.message, /navigators\.x\.statusField/);
  });
});

describe('Navigator client: tokens', () => {
  it('asks for a new token once after a 401 and goes on', async () => {
    const client = connect();
    await client.listPage({ ...computers, offset: 0, limit: 1 });
    const [tokens, calls] = [client.tokenRequests, client.apiCalls];
    nav.revokeTokens();
    assert.equal((await client.listPage({ ...computers, offset: 0, limit: 1 })).length, 1);
    assert.equal(client.tokenRequests - tokens, 1);
    assert.equal(client.apiCalls - calls, 3, 'denied, token, the call again');
  });

  it('treats "denied" sent as HTTP 200 success:false the same way', async () => {
    const fake = await startFakeNavigator({ computers: 3, deniedAs200: true });
    try {
      const client = connect({}, fake);
      await client.authenticate();
      fake.revokeTokens();
      assert.equal((await client.listPage({ ...computers, offset: 0, limit: 5 })).length, 3);
      assert.equal(client.tokenRequests, 2);
    } finally {
      await fake.close();
    }
  });

  it('fails a Navigator that denies a fresh token as BadCredentials after exactly one retry', async () => {
    const client = connect();
    await client.authenticate();
    const calls = client.apiCalls;
    nav.setDenyAll(true);
    try {
      const err = await failure(client.listPage({ ...computers, offset: 0, limit: 1 }), 'BadCredentials');
      assert.match(err.message, /denied a freshly issued token.*navigators\.main-\d+\.clientId/);
      assert.equal(client.apiCalls - calls, 3, 'denied, one new token, denied again');
    } finally {
      nav.setDenyAll(false);
    }
  });

  it('fails bad credentials as BadCredentials with one token request, naming the settings', async () => {
    const client = createNavigatorClient({
      navigatorId: 'bad',
      apiUrl: nav.apiUrl,
      clientId: CLIENT_ID,
      clientSecret: 'wrong',
    });
    const before = nav.state.tokenRequests;
    const err = await failure(client.listPage({ ...computers, offset: 0, limit: 1 }), 'BadCredentials');
    assert.match(err.message, /navigators\.bad\.clientId and navigators\.bad\.clientSecret/);
    assert.equal(nav.state.tokenRequests - before, 1);
  });
});

describe('Navigator client: writes', () => {
  it('creates through a Template and runs a step action', async () => {
    const client = connect();
    const made = await client.create('301', { Name: 'PC-NEW', Audit_ID: 'dev-new' });
    assert.equal(made.outcome, 'done');
    assert.ok(
      made.outcome === 'done' && /^[0-9a-f-]{36}$/.test(made.objectId) && /^C\d+$/.test(made.objectOid),
    );
    const step = await client.stepAction(made.objectOid, '250', { Status: 'In Use' });
    assert.equal(step.outcome, 'done');
    assert.equal(client.writeCalls, 2);
  });

  it("returns 'refused' with Navigator's errorText: Succeed false, success false, object not found", async () => {
    const client = connect();
    assert.deepEqual(await client.create('301', { Audit_ID: 'x' }), {
      outcome: 'refused',
      errorText: 'The field "Name" is mandatory.',
    });
    await client.stepAction('C000003', '250', { Status: 'Retired' });
    const closed = await client.stepAction('C000003', '250', { Status: 'In Use' });
    assert.equal(
      closed.outcome === 'refused' && closed.errorText,
      'The action is not available for this object.',
    );
    const gone = await client.stepAction('C999999', '250', {});
    assert.equal(gone.outcome === 'refused' && gone.status, 404);
  });

  it('fails an unknown action ID as BadConfig naming the setting the caller gave', async () => {
    const err = await failure(
      connect().create('999', { Name: 'x' }, { setting: 'navigators.main.templates.computer' }),
      'BadConfig',
    );
    assert.match(err.message, /no action 999 .*check navigators\.main\.templates\.computer$/);
  });

  it("returns 'unknown' when the answer to a create is lost after Navigator wrote it, and does not retry", async () => {
    const client = connect();
    await client.authenticate();
    const writes = nav.state.writes.length;
    nav.fault({ drop: true });
    const lost = await client.create('301', { Name: 'PC-LOST', Audit_ID: 'dev-lost' });
    assert.equal(lost.outcome, 'unknown');
    assert.equal(nav.state.writes.length, writes + 1, 'written once, not twice');
    const found = await client.listPage({
      ...computers,
      filters: [{ name: 'Audit_ID', value: 'dev-lost' }],
      offset: 0,
      limit: 5,
    });
    assert.equal(found.length, 1, 'found again by the device id field');
  });

  it('throws 5xx on a write as Transient (Navigator did not commit it)', async () => {
    const client = connect();
    await client.authenticate();
    nav.fault({ status: 500 });
    await failure(client.create('301', { Name: 'PC-5XX' }), 'Transient');
  });
});

describe('Navigator client: faults', () => {
  // The call's Retry-After becomes Temporal's retry delay (the failure map); an isolated 429 is
  // noise to the shared rate budget: the next call goes out alone, and its answer ends the probe.
  it('throws a 429 as RateLimited with its Retry-After, counts it, and answers the next call', async () => {
    const client = connect();
    await client.authenticate();
    nav.fault({ status: 429, retryAfter: '1' });
    const err = await failure(client.listPage({ ...computers, offset: 0, limit: 1 }), 'RateLimited');
    assert.equal(err.retryAfterMs, 1000);
    assert.equal(client.throttled, 1);
    const rows = await client.listPage({ ...computers, offset: 0, limit: 1 });
    assert.equal(rows.length, 1, 'the next call is answered (the budget is not left holding)');
    assert.equal((await client.listPage({ ...computers, offset: 1, limit: 1 })).length, 1);
  });

  it('sends a read again after one 5xx; throws Transient after three 5xx, or three answers slower than the timeout', async () => {
    const client = connect({ timeoutMs: 300 });
    await client.authenticate();
    nav.fault({ status: 503 });
    assert.ok(await client.getObject('C000001'), 'one 503 is ridden out by sending the read again');
    nav.fault({ status: 503 }, { status: 503 }, { status: 503 });
    await failure(client.getObject('C000001'), 'Transient');
    nav.fault({ delayMs: 1500 }, { delayMs: 1500 }, { delayMs: 1500 });
    const slow = await failure(client.getObject('C000001'), 'Transient');
    assert.match(slow.message, /timed out after 300 ms/);
  });

  it("returns 'unknown' for a write whose answer is slower than the timeout", async () => {
    const client = connect({ timeoutMs: 300 });
    await client.authenticate();
    nav.fault({ delayMs: 1500 });
    const out = await client.stepAction('C000010', '250', { Status: 'In Use' });
    assert.ok(out.outcome === 'unknown' && /timed out after 300 ms/.test(out.reason), JSON.stringify(out));
  });

  it('fails an HTML answer as BadConfig: not the Navigator API', async () => {
    const client = connect();
    await client.authenticate();
    nav.fault({ html: true });
    const err = await failure(client.getObject('C000001'), 'BadConfig');
    assert.match(err.message, /not the Navigator API: check navigators\.main-\d+\.apiUrl/);
    nav.setHtmlSite(true);
    try {
      await failure(connect().dictionary('Computers', 'Status'), 'BadConfig');
    } finally {
      nav.setHtmlSite(false);
    }
  });

  it('fails a refused connection as Transient naming host:port and the apiUrl setting; a write there throws too', async () => {
    const port = await new Promise<number>((res) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as { port: number }).port;
        probe.close(() => res(p));
      });
    });
    const client = createNavigatorClient({
      navigatorId: 'off',
      apiUrl: `http://127.0.0.1:${port}/api`,
      clientId: CLIENT_ID,
      clientSecret: SECRET,
    });
    const err = await failure(client.authenticate(), 'Transient');
    assert.match(
      err.message,
      new RegExp(`at 127\\.0\\.0\\.1:${port}: the connection was refused .*check navigators\\.off\\.apiUrl`),
    );
  });

  it('keeps at most `concurrency` requests in flight per Navigator', async () => {
    const fake = await startFakeNavigator({ computers: 50 });
    try {
      const client = connect({ concurrency: 2 }, fake);
      await client.authenticate();
      fake.fault(...Array.from({ length: 6 }, () => ({ delayMs: 60 })));
      await Promise.all(
        Array.from({ length: 12 }, (_, i) => client.getObject(`C${String(i + 1).padStart(6, '0')}`)),
      );
      assert.equal(fake.state.maxInFlight, 2);
    } finally {
      await fake.close();
    }
  });
});
