/**
 * Resolve a job's client-secret reference inside the worker. Errors name the reference,
 * never a value.
 */
import { readFileSync } from 'node:fs';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../common/failure-types';
import type { SecretRef } from '../common/sync-types';

export function describeSecretRef(ref: SecretRef): string {
  return 'env' in ref ? `environment variable ${ref.env}` : `file ${ref.file}`;
}

/**
 * The secret's value; a non-retryable BadConfig failure when the reference cannot be resolved.
 * `setting` names it in that sentence (default: the job's client secret reference).
 */
export function resolveSecret(
  ref: SecretRef,
  env: NodeJS.ProcessEnv = process.env,
  setting = 'the client secret reference',
): string {
  let value: string | undefined;
  try {
    value = 'env' in ref ? env[ref.env] : readFileSync(ref.file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw ApplicationFailure.create({
      type: FailureType.BadConfig,
      nonRetryable: true,
      message: `${setting} (${describeSecretRef(ref)}) cannot be read: ${code}`,
    });
  }
  const trimmed = value?.trim();
  if (!trimmed) {
    throw ApplicationFailure.create({
      type: FailureType.BadConfig,
      nonRetryable: true,
      message: `${setting} (${describeSecretRef(ref)}) is not set or empty`,
    });
  }
  return trimmed;
}
