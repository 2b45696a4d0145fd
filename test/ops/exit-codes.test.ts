import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FailureType } from '../../common/failure-types';
import type { RunReport } from '../../common/sync-types';
import { ExitCode, exitCodeForFailure, exitCodeForRun, type RunOutcomeView } from '../../ops/exit-codes';

describe('the exit-code table', () => {
  const expected: Record<FailureType, ExitCode> = {
    BadCredentials: 1,
    RegistrationDisabled: 1,
    RegistrationExpired: 1,
    Forbidden: 1,
    RateLimited: 1,
    Transient: 1,
    SchemaMismatch: 1,
    ClientError: 1,
    StoreUnavailable: 1,
    TemporalUnavailable: 1,
    BadConfig: 2,
    Usage: 2,
    Internal: 70,
  };
  for (const [type, code] of Object.entries(expected))
    it(`exits ${code} for a ${type} failure, whichever entry point meets it`, () =>
      assert.equal(exitCodeForFailure(type as FailureType), code));

  const report = (r: Partial<RunReport>, verifyOk = true): RunOutcomeView => ({
    ok: true,
    report: { outcome: 'succeeded', dryRun: false, ...r, verify: { ok: verifyOk } } as RunReport,
  });
  const runs: { name: string; view: RunOutcomeView; code: ExitCode }[] = [
    { name: 'a succeeded run', view: report({}), code: ExitCode.ok },
    { name: 'a dry run', view: report({ outcome: 'dry-run', dryRun: true }), code: ExitCode.ok },
    {
      name: 'a dry run whose verify differs',
      view: report({ outcome: 'dry-run', dryRun: true }, false),
      code: ExitCode.ok,
    },
    {
      name: 'a run failed with bad credentials',
      view: { ok: false, workflowId: 'w', reason: '[BadCredentials] no', type: 'BadCredentials' },
      code: ExitCode.failed,
    },
    {
      name: 'a run failed on an unreadable secret',
      view: { ok: false, workflowId: 'w', reason: '[BadConfig] no', type: 'BadConfig' },
      code: ExitCode.usage,
    },
    {
      name: 'a run failed on a bug',
      view: { ok: false, workflowId: 'w', reason: '[Internal] no', type: 'Internal' },
      code: ExitCode.internal,
    },
    { name: 'a run reported failed', view: report({ outcome: 'failed' }), code: ExitCode.failed },
    { name: 'a cancelled run', view: report({ outcome: 'cancelled' }), code: ExitCode.failed },
    {
      name: 'a run that needs confirmation',
      view: report({ outcome: 'needs-confirmation' }),
      code: ExitCode.needsConfirmation,
    },
    { name: 'a skipped run', view: report({ outcome: 'skipped' }), code: ExitCode.skipped },
    {
      name: 'a succeeded run whose verify found a mismatch',
      view: report({}, false),
      code: ExitCode.verifyMismatch,
    },
  ];
  for (const { name, view, code } of runs)
    it(`exits ${code} for ${name}`, () => assert.equal(exitCodeForRun(view), code));
});
