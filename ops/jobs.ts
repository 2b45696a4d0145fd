import type { SyncJobConfig } from '../common/sync-types';
import type { SyncConfig } from './config';
import { UsageError } from '../activities/failures';

/** The job with this id, or a UsageError listing the known ones. */
export function findJob(config: SyncConfig, id: string): SyncJobConfig {
  const job = config.jobs.find((j) => j.id === id);
  if (!job)
    throw new UsageError(
      `no job "${id}" in the configuration (jobs: ${config.jobs.map((j) => j.id).join(', ')})`,
    );
  return job;
}
