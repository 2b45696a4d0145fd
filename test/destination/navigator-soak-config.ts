/** The soak's configuration file: one Navigator (the emulator process) and one job writing into it. */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NavigatorEmulatorProcess } from '../helpers/processes';

/** Secrets are read from NAVSOAK_ALLOYSCAN_SECRET and NAVSOAK_NAVIGATOR_SECRET; returns the path. */
export function writeConfig(
  name: string,
  sqlitePath: string,
  creds: { siteUrl: string; clientId: string },
  nav: NavigatorEmulatorProcess,
): string {
  const file = join(tmpdir(), `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      store: { sqlitePath },
      navigators: [
        {
          id: 'hq',
          apiUrl: nav.apiUrl,
          clientId: nav.clientId,
          clientSecret: { env: 'NAVSOAK_NAVIGATOR_SECRET' },
          templates: { computer: '301', inventoryItem: '302' },
          actions: { updateComputer: '401', updateInventoryItem: '402' },
          requestsPerSecond: 2000,
          concurrency: 8,
        },
      ],
      jobs: [
        {
          id: name,
          enabled: false,
          siteUrl: creds.siteUrl,
          clientId: creds.clientId,
          clientSecret: { env: 'NAVSOAK_ALLOYSCAN_SECRET' },
          schedule: { cron: '0 3 * * *', timeZone: 'UTC' },
          navigator: 'hq',
          pageSize: 50,
          pageConcurrency: 4,
          requestsPerSecond: 1000,
          fullRunIntervalHours: 0,
        },
      ],
    }),
  );
  return file;
}
