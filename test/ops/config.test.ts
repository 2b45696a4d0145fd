import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../activities/failures';
import { loadConfig, parseConfig } from '../../ops/config';
import { cronProblem } from '../../ops/cron';
import { resolveSecret } from '../../ops/secrets';

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
  it('lists every problem at once, a duplicate job id among them, when other jobs are broken too', () => {
    const raw = {
      jobs: [
        { ...good, siteUrl: 'not a url', pageSize: 0 },
        { ...good, clientSecret: 'plain' },
        { ...good, id: 'other', schedule: { cron: 'nope', timeZone: 'UTC' } },
        { ...good, onRetire: 'shred' },
      ],
    };
    assert.throws(
      () => parseConfig(raw, 'five.yaml', {}),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        const lines = err.message.split('\n').slice(1);
        assert.deepEqual(lines.map((l) => l.replace(/^ {2}- ([^:]+):.*$/, '$1')).sort(), [
          'jobs.0.pageSize',
          'jobs.0.siteUrl',
          'jobs.1.clientSecret',
          'jobs.1.id',
          'jobs.3.id',
          'jobs.3.onRetire',
          'jobs[other].schedule.cron',
        ]);
        assert.match(err.message, /jobs\.1\.id: duplicate job id "acme" \(also jobs\.0\.id\)/);
        return true;
      },
    );
  });

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

  /** `job`: fields over the good job; `path`: the config path the error must name. */
  const table: { name: string; job: Record<string, unknown>; path: string }[] = [
    { name: 'a literal secret', job: { clientSecret: 'hunter2' }, path: 'jobs[acme].clientSecret' },
    { name: 'a bad URL', job: { siteUrl: 'ftp://x' }, path: 'jobs[acme].siteUrl' },
    {
      name: 'a bad cron',
      job: { schedule: { cron: 'every day', timeZone: 'UTC' } },
      path: 'jobs[acme].schedule.cron',
    },
    {
      name: 'a bad time zone',
      job: { schedule: { cron: '0 2 * * *', timeZone: 'Mars/Base' } },
      path: 'jobs[acme].schedule.timeZone',
    },
    {
      name: 'an unknown platform',
      job: { importSoftware: { selected: ['BeOS'] } },
      path: 'jobs[acme].importSoftware',
    },
    { name: 'an unknown on-retire', job: { onRetire: 'shred' }, path: 'jobs[acme].onRetire' },
    { name: 'an unknown field', job: { colour: 'blue' }, path: 'jobs[acme].colour: unknown key' },
    { name: 'a threshold above 1', job: { missingThreshold: 2 }, path: 'jobs[acme].missingThreshold' },
  ];
  for (const { name, job, path } of table) {
    it(`rejects ${name}, naming ${path}`, () => assert.ok(problems(job).includes(path), problems(job)));
  }

  it('lists every problem at once', () => {
    const msg = problems({ siteUrl: 'nope', onRetire: 'shred', id: 'Bad Id' });
    // An id that fails validation still names its job.
    for (const p of ['jobs[Bad Id].siteUrl', 'jobs[Bad Id].onRetire', 'jobs[Bad Id].id'])
      assert.ok(msg.includes(p), msg);
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

describe('cron schedules', () => {
  const valid = [
    '0 2 * * *',
    '*/30 * * * *',
    '0,15,30,45 8-18 * * MON-FRI',
    '5/15 0-23/2 1-31 1-12 0-7',
    '0 3 1 jan,jul sun',
    '  0 2 * * *  ',
    '@hourly',
    '@daily',
    '@weekly',
    '@monthly',
    '@yearly',
    '@every 30m',
    '@every 2h',
    '@every 1h30m',
  ];
  for (const cron of valid) it(`accepts "${cron}"`, () => assert.equal(cronProblem(cron), undefined));

  const invalid: [string, string][] = [
    ['99 99 99 99 99', 'minute field "99" out of range 0-59'],
    ['0 99 * * *', 'hour field "99" out of range 0-23'],
    ['0 2 0 * *', 'day-of-month field "0" out of range 1-31'],
    ['0 2 * 13 *', 'month field "13" out of range 1-12'],
    ['0 2 * * 8', 'day-of-week field "8" out of range 0-7'],
    ['0 2 * FOO *', 'month field "FOO" is not a number or name'],
    ['0 2 * * MON-XYZ', 'day-of-week field "XYZ" is not a number or name'],
    ['0 1,2,60 * * *', 'hour field "60" out of range 0-23'],
    ['*/0 * * * *', 'minute field "*/0" has a zero step'],
    ['0 18-8 * * *', 'hour field "18-8" is a backwards range'],
    ['0 2 ** * *', 'day-of-month field "**" is not a number'],
    ['0 2 * * 1-5-6', 'day-of-week field "1-5-6" is not a number, range, step or list'],
    ['0 2,,3 * * *', 'hour field "" is not a number, range, step or list'],
    ['0 2 * *', 'must have 5 fields (minute hour day-of-month month day-of-week), not 4'],
    ['0 0 2 * * *', 'must have 5 fields (minute hour day-of-month month day-of-week), not 6'],
    ['', 'must have 5 fields (minute hour day-of-month month day-of-week), not 0'],
    ['every day', 'must have 5 fields (minute hour day-of-month month day-of-week), not 2'],
    ['@often', '"@often" is not one of'],
    ['@every 30 minutes', '"@every 30 minutes" is not one of'],
  ];
  for (const [cron, message] of invalid)
    it(`rejects "${cron}": ${message}`, () =>
      assert.ok(cronProblem(cron)?.startsWith(message), cronProblem(cron)));

  it("reports the bad cron field under the job's schedule.cron path", () =>
    assert.match(
      problems({ schedule: { cron: '0 99 * * *', timeZone: 'UTC' } }),
      /jobs\[acme\]\.schedule\.cron: hour field "99" out of range 0-23/,
    ));

  it('reports every bad field of a cron at once: the minute and the hour of "61 25 * * *"', () =>
    assert.equal(
      cronProblem('61 25 * * *'),
      'minute field "61" out of range 0-59; hour field "25" out of range 0-23',
    ));

  const misspelt: [Record<string, unknown>, string][] = [
    [{ siteURL: 'https://a.example' }, 'jobs[acme].siteURL: unknown key: did you mean "siteUrl"?'],
    [{ schedul: {} }, 'jobs[acme].schedul: unknown key: did you mean "schedule"?'],
    [{ colour: 'blue' }, 'jobs[acme].colour: unknown key'],
  ];
  for (const [extra, line] of misspelt)
    it(`says "did you mean" for a misspelt key: ${Object.keys(extra)[0]}`, () =>
      assert.ok(`${problems(extra)}\n`.includes(`${line}\n`), problems(extra)));

  it('says "did you mean" under store and at the top level too', () => {
    assert.throws(
      () => parseConfig({ stor: {}, store: { retentionDay: 3 }, jobs: [good] }, 't', {}),
      (e: Error) =>
        e.message.includes('stor: unknown key: did you mean "store"?') &&
        e.message.includes('store.retentionDay: unknown key: did you mean "retentionDays"?'),
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
