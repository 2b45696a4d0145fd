/** The Navigator API client of a configured Navigator, as the worker and `test-connection` build it. */
import { createNavigatorClient } from '../activities/navigator/client';
import type { NavigatorClient, NavigatorClientOptions } from '../activities/navigator/client-types';
import type { NavigatorConfig } from './config-schema';
import { resolveSecret } from './secrets';

/** The client options of a Navigator: its secret reference is resolved here, in the worker, on each use. */
export function navigatorClientOptions(
  nav: NavigatorConfig,
  opts: { timeoutMs?: number; jobId?: string } = {},
): NavigatorClientOptions {
  return {
    navigatorId: nav.id,
    apiUrl: nav.apiUrl,
    clientId: nav.clientId,
    clientSecret: resolveSecret(nav.clientSecret, process.env, `navigators.${nav.id}.clientSecret`),
    pageSize: nav.pageSize,
    requestsPerSecond: nav.requestsPerSecond,
    concurrency: nav.concurrency,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.jobId !== undefined ? { jobId: opts.jobId } : {}),
  };
}

/** The real client of a Navigator. */
export function navigatorClientFor(
  nav: NavigatorConfig,
  opts: { timeoutMs?: number; jobId?: string } = {},
): NavigatorClient {
  return createNavigatorClient(navigatorClientOptions(nav, opts));
}
