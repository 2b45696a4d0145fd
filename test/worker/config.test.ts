import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, parseConfig } from '../../worker/config';
import { resolveSecret } from '../../worker/secrets';

const good = {
  id: 'acme',
  siteUrl: 'https://acme.alloyservice.com/',
  clientId: 'AbCdEfGhIjKlMnOpQrSt',
  clientSecret: { env: 'ACME_SECRET' },
  schedule: { cron: '0 2 * * *', timeZone: 'Europe/Berlin' },
};

function problems(job: Record<string, unknown>): string {
  try {
    parseConfig({ jobs: [{ ...good, ...job }] }, 'test.yaml', {});
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.message;
  }
  return '';
}

describe('configuration', () => {
  it('fills defaults and normalises the site URL', () => {
    const cfg = parseConfig({ jobs: [good] }, 'test.yaml', { DATABASE_URL: 'postgres://x/y' });
    const job = cfg.jobs[0]!;
    assert.equal(job.siteUrl, 'https://acme.alloyservice.com');
    assert.deepEqual(job.importSoftware, { mode: 'all' });
    assert.equal(job.onRetire, 'keep');
    assert.equal(job.tokenPath, '/api/oauth/token');
    assert.deepEqual(job.trackedGroups, ['Required']);
    assert.equal(cfg.store.databaseUrl, 'postgres://x/y');
  });

  it('maps selected platforms', () => {
    const cfg = parseConfig(
      { jobs: [{ ...good, importSoftware: { selected: ['Linux', 'macOS'] } }] },
      't',
      {},
    );
    assert.deepEqual(cfg.jobs[0]!.importSoftware, { mode: 'selected', platforms: ['Linux', 'macOS'] });
  });

  const table: [string, Record<string, unknown>, string][] = [
    ['a literal secret', { clientSecret: 'hunter2' }, 'jobs.0.clientSecret'],
    ['a bad URL', { siteUrl: 'ftp://x' }, 'jobs.0.siteUrl'],
    ['a bad cron', { schedule: { cron: 'every day', timeZone: 'UTC' } }, 'jobs.0.schedule.cron'],
    [
      'a bad time zone',
      { schedule: { cron: '0 2 * * *', timeZone: 'Mars/Base' } },
      'jobs.0.schedule.timeZone',
    ],
    ['an unknown platform', { importSoftware: { selected: ['BeOS'] } }, 'jobs.0.importSoftware'],
    ['an unknown on-retire', { onRetire: 'shred' }, 'jobs.0.onRetire'],
    ['an unknown field', { colour: 'blue' }, 'colour'],
    ['a threshold above 1', { missingThreshold: 2 }, 'jobs.0.missingThreshold'],
  ];
  for (const [name, job, path] of table) {
    it(`rejects ${name}, naming ${path}`, () =>
      assert.match(problems(job), new RegExp(path.replace(/\./g, '\\.'))));
  }

  it('lists every problem at once', () => {
    const msg = problems({ siteUrl: 'nope', onRetire: 'shred', id: 'Bad Id' });
    for (const p of ['jobs.0.siteUrl', 'jobs.0.onRetire', 'jobs.0.id']) assert.ok(msg.includes(p), msg);
  });

  it('rejects duplicate job ids', () => {
    assert.throws(() => parseConfig({ jobs: [good, good] }, 't', {}), /job ids must be unique/);
  });

  it('reads YAML from a file and names the file in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'sync.yaml');
    writeFileSync(
      file,
      'jobs:\n  - id: acme\n    siteUrl: https://a.example\n    clientId: x\n    clientSecret: { file: /tmp/s }\n    schedule: { cron: "0 * * * *" }\n',
    );
    assert.equal(loadConfig(file, {}).jobs[0]!.schedule.timeZone, 'UTC');
    writeFileSync(file, 'jobs: []\n');
    assert.throws(
      () => loadConfig(file, {}),
      (e: Error) => e.message.includes(file) && e.message.includes('at least one job'),
    );
  });
});

describe('secret references', () => {
  it('resolves env and file references', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sec-'));
    writeFileSync(join(dir, 's'), 'from-file\n');
    assert.equal(resolveSecret({ env: 'S' }, { S: 'from-env' }), 'from-env');
    assert.equal(resolveSecret({ file: join(dir, 's') }), 'from-file');
  });

  it('fails with BadConfig naming the reference, not a value', () => {
    assert.throws(
      () => resolveSecret({ env: 'NOPE' }, {}),
      (e: Error & { type?: string }) =>
        e.type === 'BadConfig' && e.message.includes('environment variable NOPE'),
    );
  });
});
