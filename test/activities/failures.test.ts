import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActivityFailure, ApplicationFailure, CancelledFailure, RetryState } from '@temporalio/common';
import { AlloyScanError, QuarantineError } from '../../activities/alloyscan/errors';
import { ConfigError, UsageError, classifyFailure, toActivityFailure } from '../../activities/failures';
import { FailureType, NON_RETRYABLE_FAILURES } from '../../common/failure-types';

const record = { sourceId: 'd1', kind: 'device', reason: 'id: empty id', rawExcerpt: '{}' };
const pgError = (code: string, message: string): Error =>
  Object.assign(new Error(message), { code, severity: 'ERROR' });
const sqliteError = (code: string, message: string): Error =>
  Object.assign(new Error(message), { name: 'SqliteError', code });

interface Case {
  name: string;
  error: unknown;
  type: FailureType;
  retryable: boolean;
  message: RegExp;
}

/** One row per kind of error an activity or an entry point meets; every failure type appears. */
const CASES: Case[] = [
  ...(
    [
      ['BadCredentials', false],
      ['RegistrationDisabled', false],
      ['RegistrationExpired', false],
      ['Forbidden', false],
      ['ClientError', false],
      ['SchemaMismatch', false],
      ['BadConfig', false],
      ['Transient', true],
      ['RateLimited', true],
    ] as const
  ).map(([type, retryable]) => ({
    name: `an AlloyScan ${type}`,
    error: new AlloyScanError(type, `api said ${type}`, { status: 400, method: 'GET', path: '/x' }),
    type,
    retryable,
    message: new RegExp(`api said ${type}`),
  })),
  {
    name: 'a quarantined record',
    error: new QuarantineError(record),
    type: 'SchemaMismatch',
    retryable: false,
    message: /device d1 is malformed/,
  },
  {
    name: 'a PostgreSQL connection failure',
    error: pgError('57P01', 'terminating connection due to administrator command'),
    type: 'StoreUnavailable',
    retryable: true,
    message: /^cannot reach the Navigator store: terminating connection/,
  },
  {
    name: 'a PostgreSQL deadlock',
    error: pgError('40P01', 'deadlock detected'),
    type: 'StoreUnavailable',
    retryable: true,
    message: /^the Navigator store failed: deadlock detected \(40P01\)$/,
  },
  {
    name: 'a refused store socket',
    error: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    type: 'StoreUnavailable',
    retryable: true,
    message: /^cannot reach the Navigator store: connect ECONNREFUSED 127\.0\.0\.1:1$/,
  },
  {
    name: 'a pg connection lost between queries',
    error: new Error('Connection terminated unexpectedly'),
    type: 'StoreUnavailable',
    retryable: true,
    message: /cannot reach the Navigator store/,
  },
  {
    name: 'a pg client whose connection broke between two queries of a transaction',
    error: new Error('Client has encountered a connection error and is not queryable'),
    type: 'StoreUnavailable',
    retryable: true,
    message: /cannot reach the Navigator store/,
  },
  {
    name: 'a busy SQLite database',
    error: sqliteError('SQLITE_BUSY', 'database is locked'),
    type: 'StoreUnavailable',
    retryable: true,
    message: /database is locked \(SQLITE_BUSY\)/,
  },
  {
    name: 'an SQL syntax error (a bug)',
    error: pgError('42601', 'syntax error at or near "selec"'),
    type: 'Internal',
    retryable: false,
    message: /^internal error \(a bug: please report it\): the Navigator store rejected a statement/,
  },
  {
    name: 'a config file error',
    error: new ConfigError('invalid configuration in x.yaml:\n  - jobs.0.id: bad'),
    type: 'BadConfig',
    retryable: false,
    message: /jobs\.0\.id/,
  },
  {
    name: 'an unknown job on the command line',
    error: new UsageError('no job "x"'),
    type: 'Usage',
    retryable: false,
    message: /no job "x"/,
  },
  {
    name: 'Temporal out of reach',
    error: new Error('14 UNAVAILABLE: No connection established'),
    type: 'TemporalUnavailable',
    retryable: true,
    message: /^cannot reach Temporal at 127\.0\.0\.1:1: 14 UNAVAILABLE/,
  },
  {
    name: 'a TypeError (a bug)',
    error: new TypeError('cannot read x of undefined'),
    type: 'Internal',
    retryable: false,
    message: /^internal error \(a bug: please report it\): TypeError: cannot read x/,
  },
  {
    name: 'an error with an unrelated code (a bug, not the store)',
    error: Object.assign(new TypeError('bad arg'), { code: 'ERR_INVALID_ARG_TYPE' }),
    type: 'Internal',
    retryable: false,
    message: /TypeError: bad arg/,
  },
  {
    name: 'an activity failure read back from a workflow',
    error: new ActivityFailure(
      'activity failed',
      'processDevicePage',
      '1',
      RetryState.MAXIMUM_ATTEMPTS_REACHED,
      undefined,
      ApplicationFailure.create({ type: 'BadCredentials', message: 'rejected', nonRetryable: true }),
    ),
    type: 'BadCredentials',
    retryable: false,
    message: /^rejected$/,
  },
];

describe('the failure map', () => {
  for (const c of CASES) {
    it(`classifies ${c.name} as ${c.retryable ? 'retryable' : 'non-retryable'} ${c.type}`, () => {
      const f = classifyFailure(c.error, { temporalAddress: '127.0.0.1:1' });
      assert.deepEqual({ type: f.type, retryable: f.retryable }, { type: c.type, retryable: c.retryable });
      assert.match(f.message, c.message);
    });
  }

  it('has a row for every failure type', () => {
    const covered = new Set(CASES.map((c) => c.type));
    assert.deepEqual(
      Object.values(FailureType).filter((t) => !covered.has(t)),
      [],
    );
  });

  it('agrees with the retry policy: non-retryable exactly for NON_RETRYABLE_FAILURES', () => {
    for (const c of CASES) assert.equal(NON_RETRYABLE_FAILURES.includes(c.type), !c.retryable, c.name);
  });

  it('turns an error into the ApplicationFailure an activity throws, Retry-After as the next delay', () => {
    const f = toActivityFailure(
      new AlloyScanError('RateLimited', 'slow down', { status: 429, retryAfterMs: 3000 }),
    );
    assert.ok(f instanceof ApplicationFailure);
    assert.deepEqual(
      { type: f.type, nonRetryable: f.nonRetryable, nextRetryDelay: f.nextRetryDelay as unknown },
      { type: 'RateLimited', nonRetryable: false, nextRetryDelay: 3000 },
    );
  });

  it("passes Temporal's own failures through: an ApplicationFailure, a cancellation", () => {
    const own = ApplicationFailure.create({ type: 'StoreUnavailable', message: 'db down' });
    assert.equal(toActivityFailure(own), own);
    const cancelled = new CancelledFailure('heartbeat timed out');
    assert.equal(toActivityFailure(cancelled), cancelled);
  });

  it("never copies an axios error's text (its config carries the Authorization header)", () => {
    const axiosLike = Object.assign(new Error('Request failed: Bearer abc123'), {
      isAxiosError: true,
      code: 'ERR_BAD_RESPONSE',
    });
    const f = classifyFailure(axiosLike);
    assert.equal(f.type, 'Internal');
    assert.doesNotMatch(f.message, /abc123/);
  });
});
