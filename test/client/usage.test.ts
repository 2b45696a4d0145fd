import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createSyncStore } from '../../activities/store';
import { runCli, startNode } from '../helpers/processes';
import { storeEngines } from '../helpers/stores';

/** The CLI's usage errors and the schema check: no Temporal needed (nothing gets that far). */
describe('CLI usage errors and the schema version check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'usage-'));
  const sqlitePath = join(dir, 'navigator.sqlite');
  const config = join(dir, 'sync.json');
  // Nothing may reach Temporal: a closed port makes a stray connection fail loudly.
  const env = { TEMPORAL_ADDRESS: '127.0.0.1:1', ALLOYSCAN_SYNC_CONFIG: config };
  before(() => {
    const job = {
      id: 'demo',
      siteUrl: 'http://127.0.0.1:1',
      clientId: 'AbCdEfGhIjKlMnOpQrSt',
      clientSecret: { env: 'NO_SUCH_SECRET' },
      schedule: { cron: '0 4 * * *', timeZone: 'UTC' },
    };
    writeFileSync(config, JSON.stringify({ store: { sqlitePath }, jobs: [job] }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const usage: [string[], RegExp][] = [
    [['jobs', 'lst'], /unknown command 'lst'/],
    [['force', 'demo', '--wiat'], /unknown option '--wiat'/],
    [['force'], /missing required argument 'job'/],
    [['jobs'], /Usage: alloyscan-sync jobs/],
    [['db'], /Usage: alloyscan-sync db/],
    [['runs', 'demo', '-n', 'abc'], /"abc" is not a whole number of 1 or more/],
    [['quarantine', 'demo', '-n', '0'], /"0" is not a whole number of 1 or more/],
    [['nosuch'], /unknown command 'nosuch'/],
  ];
  for (const [args, message] of usage) {
    it(`exits 2 on the usage error of \`${args.join(' ')}\``, async () => {
      const r = await runCli(args, env);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stdout + r.stderr, message);
    });
  }

  it('exits 0 on --help', async () => {
    assert.equal((await runCli(['runs', '--help'], env)).code, 0);
  });

  it('refuses a store whose schema is behind, naming `db migrate`; `db migrate` brings it up to date', async () => {
    const store = await createSyncStore({ sqlitePath });
    await store.migrate();
    await store.migrateDown(1);
    const [last] = (await store.schemaStatus()).pending;
    await store.close();
    const r = await runCli(['runs', 'demo'], env);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(
      r.stderr,
      `the Navigator store's schema is behind this alloyscan-sync (missing ${last}): ` +
        'run `alloyscan-sync db migrate` (or start the upgraded worker, which migrates it)\n',
    );
    const status = await runCli(['db', 'status', '--json'], env);
    assert.deepEqual((JSON.parse(status.stdout) as { pending: string[] }).pending, [last]);
    const m = await runCli(['db', 'migrate'], env);
    assert.equal(m.code, 0, m.stderr);
    assert.equal(m.stdout, `migrated: ${last}\n`);
    const again = await runCli(['runs', 'demo'], env);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, 'no runs of demo yet\n');
  });

  it('refuses, in the CLI and the worker, a store a newer version migrated', async () => {
    const store = await createSyncStore({ sqlitePath });
    await store.migrate();
    await sql`insert into kysely_migration (name, timestamp) values ('9999_future', '2030-01-01')`.execute(
      store.db,
    );
    await store.close();
    const ahead = /schema is newer than this alloyscan-sync \(it has 9999_future\): upgrade alloyscan-sync/;
    for (const args of [
      ['runs', 'demo'],
      ['db', 'migrate'],
    ]) {
      const r = await runCli(args, env);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, ahead);
    }
    const worker = startNode('worker/main.js', ['--config', config], env, /never/);
    await assert.rejects(worker, (err: Error) => /exited \(2\)/.test(err.message) && ahead.test(err.message));
  });

  for (const engine of storeEngines()) {
    it(`reads the schema status on ${engine.name}: nothing applied, all applied, one reverted`, async () => {
      const store = await engine.open({ migrate: false });
      try {
        const fresh = await store.schemaStatus();
        assert.ok(fresh.pending.length >= 5);
        assert.deepEqual(fresh.unknown, []);
        await store.migrate();
        assert.deepEqual(await store.schemaStatus(), { pending: [], unknown: [] });
        await store.migrateDown(1);
        assert.deepEqual((await store.schemaStatus()).pending, [fresh.pending.at(-1)]);
      } finally {
        await store.close();
        await engine.cleanup();
      }
    });
  }
});
