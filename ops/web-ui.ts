/** Links into the Temporal Web UI: a job's runs, and the failed runs of every job (list queries on the search attributes). */
import { SA_JOB_ID, SA_OUTCOME } from '../common/search-attributes';
import type { RunOutcome } from '../common/sync-types';

function list(uiUrl: string, namespace: string, query: string): string {
  return `${uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows?query=${encodeURIComponent(query)}`;
}

/** The runs list filtered by job and/or outcome (`JobId="acme" AND SyncOutcome="failed"`). */
export function webUiRuns(
  uiUrl: string,
  namespace: string,
  filter: { jobId?: string; outcome?: RunOutcome | 'running' },
): string {
  const terms = [
    ...(filter.jobId === undefined ? [] : [`${SA_JOB_ID.name}="${filter.jobId}"`]),
    ...(filter.outcome === undefined ? [] : [`${SA_OUTCOME.name}="${filter.outcome}"`]),
  ];
  return list(uiUrl, namespace, terms.join(' AND '));
}

export function webUiLinks(
  uiUrl: string,
  namespace: string,
  jobId: string,
): { jobRuns: string; failedRuns: string } {
  return {
    jobRuns: webUiRuns(uiUrl, namespace, { jobId }),
    failedRuns: webUiRuns(uiUrl, namespace, { outcome: 'failed' }),
  };
}
