/**
 * The one exit-code table, shared by every entry point: the CLI (every verb, `force --wait`
 * and `progress` included), the worker and `npm start`. Scripts branch on these numbers.
 */
import { classifyFailure, type Failure } from '../activities/failures';
import { FailureType } from '../common/failure-types';
import type { RunReport } from '../common/sync-types';

export const ExitCode = {
  /** Success (a dry run included). */
  ok: 0,
  /** The run failed, or AlloyScan, the store or Temporal could not be reached: the sentence says which. */
  failed: 1,
  /** A configuration or usage error: fix the configuration file or the command line. */
  usage: 2,
  /** The run stopped before flagging more devices missing than the threshold allows: confirm with `force --confirm-missing`. */
  needsConfirmation: 3,
  /** The run stood down: another run of the job was in progress. */
  skipped: 4,
  /** The run succeeded but its verification found a mismatch. */
  verifyMismatch: 5,
  /** A bug: please report it. */
  internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit code of a failure type. */
export function exitCodeForFailure(type: FailureType | undefined): ExitCode {
  if (type === FailureType.BadConfig || type === FailureType.Usage) return ExitCode.usage;
  if (type === FailureType.Internal) return ExitCode.internal;
  return ExitCode.failed;
}

/** How a followed run ended: its report, or the failure that ended it. */
export type RunOutcomeView =
  | { ok: true; report: RunReport }
  | {
      ok: false;
      workflowId: string;
      reason: string;
      type?: FailureType | undefined;
      /** Temporal stayed out of reach: the run's outcome is unknown, not a failure. */
      lostContact?: boolean;
    };

/** The exit code of a followed run: what an operator's script branches on. */
export function exitCodeForRun(view: RunOutcomeView): ExitCode {
  if (!view.ok) return exitCodeForFailure(view.type);
  const r = view.report;
  switch (r.outcome) {
    case 'needs-confirmation':
      return ExitCode.needsConfirmation;
    case 'skipped':
      return ExitCode.skipped;
    case 'dry-run':
      return ExitCode.ok;
    case 'succeeded':
      return r.dryRun || r.verify.ok ? ExitCode.ok : ExitCode.verifyMismatch;
    default:
      // 'failed', 'cancelled': the run did not complete
      return ExitCode.failed;
  }
}

/** An entry point's last word on an error: one sentence (a stack only for a bug) and its exit code. */
export function exitFor(
  err: unknown,
  context: { temporalAddress?: string } = {},
): Failure & { code: ExitCode } {
  const failure = classifyFailure(err, context);
  const message =
    failure.type === FailureType.Internal && err instanceof Error && err.stack
      ? `${failure.message}\n${err.stack}`
      : failure.message;
  return { ...failure, message, code: exitCodeForFailure(failure.type) };
}
