/** Links into the Temporal Web UI: a job's runs, and the failed runs of every job (list queries on the search attributes). */
import { SA_JOB_ID, SA_OUTCOME } from '../common/search-attributes';

function list(uiUrl: string, namespace: string, query: string): string {
  return `${uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows?query=${encodeURIComponent(query)}`;
}

export function webUiLinks(
  uiUrl: string,
  namespace: string,
  jobId: string,
): { jobRuns: string; failedRuns: string } {
  return {
    jobRuns: list(uiUrl, namespace, `${SA_JOB_ID.name}="${jobId}"`),
    failedRuns: list(uiUrl, namespace, `${SA_OUTCOME.name}="failed"`),
  };
}
