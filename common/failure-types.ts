/**
 * The closed set of failure types activities raise (ApplicationFailure.type).
 * Workflows and the CLI branch on these strings, never on error classes.
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
  /** Configuration problem found at run time (e.g. secret reference unresolvable). Non-retryable. */
  BadConfig: 'BadConfig',
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
];
