/**
 * The closed set of failure types: what activities raise (ApplicationFailure.type) and what
 * every entry point reports. Workflows and the CLI branch on these strings, never on error
 * classes. The one map from any error to a type is activities/failures.ts; the one map from
 * a type to an exit code is ops/exit-codes.ts.
 */
export const FailureType = {
  /** Token endpoint refused the client ID / secret (400/401 invalid_client). Non-retryable. */
  BadCredentials: 'BadCredentials',
  /** The App registration is disabled (403). Non-retryable. */
  RegistrationDisabled: 'RegistrationDisabled',
  /** The App registration has expired (403). Non-retryable. */
  RegistrationExpired: 'RegistrationExpired',
  /** Token lacks a scope for the call (403). Non-retryable. */
  Forbidden: 'Forbidden',
  /** 429 workload limit: retryable, honouring Retry-After. */
  RateLimited: 'RateLimited',
  /** 5xx, timeouts, connection resets: retryable. */
  Transient: 'Transient',
  /** A whole response did not match the schema (not one record: those are quarantined). Non-retryable. */
  SchemaMismatch: 'SchemaMismatch',
  /** Any other 4xx from the API. Non-retryable. */
  ClientError: 'ClientError',
  /** The Navigator store could not be reached or a write failed: retryable. */
  StoreUnavailable: 'StoreUnavailable',
  /** A configuration problem (config file, or a secret reference unresolvable at run time). Non-retryable. */
  BadConfig: 'BadConfig',
  /** An operator's mistake on the command line (unknown job, bad argument). Entry points only. */
  Usage: 'Usage',
  /** The Temporal server cannot be reached. Entry points only. */
  TemporalUnavailable: 'TemporalUnavailable',
  /** Anything unforeseen: a bug. Non-retryable (a retry would meet the same bug), and says so. */
  Internal: 'Internal',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/** Failure types that must not be retried by Temporal. */
export const NON_RETRYABLE_FAILURES: readonly FailureType[] = [
  FailureType.BadCredentials,
  FailureType.RegistrationDisabled,
  FailureType.RegistrationExpired,
  FailureType.Forbidden,
  FailureType.SchemaMismatch,
  FailureType.ClientError,
  FailureType.BadConfig,
  FailureType.Usage,
  FailureType.Internal,
];

const ALL_TYPES = new Set<string>(Object.values(FailureType));

/** True for a string of the closed set (an ApplicationFailure's `type` read back from history). */
function isFailureType(type: unknown): type is FailureType {
  return typeof type === 'string' && ALL_TYPES.has(type);
}

/** The innermost cause of a failure chain (workflow → activity → the ApplicationFailure that says why). */
function innermost(err: unknown): unknown {
  let cause = err;
  for (let depth = 0; depth < 10 && cause instanceof Error && cause.cause instanceof Error; depth++)
    cause = cause.cause;
  return cause;
}

/** The failure type a failure chain ends in, when it is one of the closed set. */
export function failureTypeOf(err: unknown): FailureType | undefined {
  const type = (innermost(err) as { type?: unknown } | undefined)?.type;
  return isFailureType(type) ? type : undefined;
}

/** One secret-free line for a failed run: `[Type] message` of the innermost cause. Workflow-safe. */
export function failureText(err: unknown): string {
  const cause = innermost(err);
  if (!(cause instanceof Error)) return String(cause);
  const type = (cause as { type?: unknown }).type;
  return `${typeof type === 'string' && type ? `[${type}] ` : ''}${cause.message}`;
}
