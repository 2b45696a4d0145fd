/** An expected operator mistake (unknown job, bad argument): printed as one sentence, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
