/** Job configs for tests: every field set to a plain default, overridable per test. */
import type { SyncJobConfig } from '../../common/sync-types';

export function jobConfig(id: string, overrides: Partial<SyncJobConfig> = {}): SyncJobConfig {
  return {
    id,
    enabled: true,
    siteUrl: 'https://site.example.com',
    clientId: 'client-1',
    clientSecret: { env: 'ALLOYSCAN_SECRET' },
    tokenPath: '/api/oauth/token',
    schedule: { cron: '0 3 * * *', timeZone: 'UTC' },
    importSoftware: { mode: 'all' },
    onRetire: 'keep',
    trackedGroups: ['Required'],
    pageSize: 100,
    pageConcurrency: 2,
    requestsPerSecond: 10,
    missingThreshold: 0.2,
    fullRunIntervalHours: 0,
    ...overrides,
  };
}
