/**
 * The Navigator application's secret and its access tokens never appear in a log line, an
 * error (message, stack, JSON, inspection), its ApplicationFailure, a write outcome or the
 * client object, whatever went wrong.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { toActivityFailure } from '../../activities/failures';
import { createNavigatorClient, NavigatorError } from '../../activities/navigator';
import type { NavigatorClient } from '../../activities/navigator';
import { CLIENT_ID, type FakeNavigator, SECRET, startFakeNavigator } from './fake-navigator';

let nav: FakeNavigator;
before(async () => {
  nav = await startFakeNavigator({ computers: 10 });
});
after(() => nav?.close());

function views(what: unknown): string[] {
  return [
    JSON.stringify(what) ?? '',
    inspect(what, { depth: Infinity, showHidden: true }),
    what instanceof Error ? `${what.message}\n${what.stack ?? ''}\n${String(what.cause)}` : '',
  ];
}

describe('secrets in the Navigator client', () => {
  it('keeps the secret and every token out of log lines, errors, failures and outcomes', async () => {
    const lines: string[] = [];
    const logger = {
      info: (m: string, meta?: Record<string, unknown>) => lines.push(`${m} ${JSON.stringify(meta)}`),
      warn: (m: string, meta?: Record<string, unknown>) => lines.push(`${m} ${JSON.stringify(meta)}`),
    };
    const opts = {
      navigatorId: 'sec',
      apiUrl: nav.apiUrl,
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      timeoutMs: 300,
      logger,
    };
    const client: NavigatorClient = createNavigatorClient(opts);
    const errors: unknown[] = [];
    const outcomes: unknown[] = [];
    const caught = async (p: Promise<unknown>) =>
      errors.push(
        await p.then(
          () => assert.fail('expected a failure'),
          (e: unknown) => e,
        ),
      );
    const list = () => client.listPage({ className: 'Computers', fields: ['ID'], offset: 0, limit: 5 });

    await client.authenticate();
    nav.fault({ status: 429, retryAfter: '0' });
    await caught(list());
    // A read meets server trouble three times before it throws (two tries again in the client).
    nav.fault({ status: 503 }, { status: 503 }, { status: 503 });
    await caught(list());
    nav.fault({ delayMs: 800 }, { delayMs: 800 }, { delayMs: 800 });
    await caught(list());
    nav.fault({ html: true });
    await caught(list());
    // Navigator echoing the secret and a token in its errorText (a badly written proxy or plug-in).
    const echoed = `Bad value ${SECRET} ${[...nav.state.tokens][0]!}`;
    nav.fault({ status: 400, errorText: echoed });
    outcomes.push(await client.stepAction('C000001', '250', { Status: 'x' }));
    nav.fault({ status: 400, errorText: echoed });
    await caught(list());
    nav.fault({ drop: true });
    outcomes.push(await client.create('301', { Name: 'PC-X' }));
    nav.revokeTokens();
    await list();
    nav.setDenyAll(true);
    await caught(list());
    nav.setDenyAll(false);
    await caught(client.create('999', { Name: 'x' }));
    await caught(
      createNavigatorClient({
        ...opts,
        navigatorId: 'wrong',
        clientSecret: 'wrong-secret-0123456789',
      }).authenticate(),
    );

    const types = errors.map((e) => (e instanceof NavigatorError ? e.type : String(e)));
    assert.deepEqual(types, [
      'RateLimited',
      'Transient',
      'Transient',
      'BadConfig',
      'ClientError',
      'BadCredentials',
      'BadConfig',
      'BadCredentials',
    ]);
    assert.deepEqual(
      outcomes.map((o) => (o as { outcome: string }).outcome),
      ['refused', 'unknown'],
    );
    assert.ok(
      lines.some((l) => l.includes('token issued')) && lines.some((l) => l.includes('outcome unknown')),
    );
    const tokens = [...nav.state.seen.flatMap((s) => /bearer (\S+)/i.exec(s)?.[1] ?? [])];
    assert.ok(tokens.length >= 10 && new Set(tokens).size >= 3, 'several tokens were in use');
    const hidden = [SECRET, encodeURIComponent(SECRET), 'wrong-secret-0123456789', ...new Set(tokens)];
    const everything = [
      ...lines,
      ...errors.flatMap((e) => [...views(e), ...views(toActivityFailure(e))]),
      ...outcomes.flatMap(views),
      ...views(client),
    ];
    for (const text of everything)
      for (const s of hidden)
        assert.ok(!text.includes(s), `leaked ${s.slice(0, 6)}… in ${text.slice(0, 300)}`);
  });
});
