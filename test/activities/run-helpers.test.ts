import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { AlloyScanError } from '../../activities/alloyscan/errors';
import { asActivity, mapLimit } from '../../activities/run-helpers';

async function failureOf(fn: () => Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await asActivity(fn);
  } catch (err) {
    assert.ok(err instanceof ApplicationFailure);
    return err;
  }
  throw new Error('expected a failure');
}

describe('asActivity', () => {
  it('maps a database error to a retryable StoreUnavailable', async () => {
    const f = await failureOf(() =>
      Promise.reject(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })),
    );
    assert.equal(f.type, 'StoreUnavailable');
    assert.equal(f.nonRetryable, false);
    assert.match(f.message, /database is locked \(SQLITE_BUSY\)/);
  });

  it('keeps the API client’s failure types', async () => {
    const f = await failureOf(() => Promise.reject(new AlloyScanError('BadCredentials', 'rejected')));
    assert.equal(f.type, 'BadCredentials');
    assert.equal(f.nonRetryable, true);
  });
});

describe('mapLimit', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    assert.deepEqual(out, [50, 10, 40, 20, 30]);
    assert.equal(peak, 2);
  });
});
