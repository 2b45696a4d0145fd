/** The catalog step: page the site's software catalog into the Navigator Software Catalog. */
import { addSample, groupChangeReason } from '../common/counts';
import type { QuarantinedRecord } from '../common/domain';
import type { SyncJobConfig } from '../common/sync-types';
import type { ActivityDeps } from './deps';
import { asActivity, heartbeat, lastHeartbeat } from './run-helpers';

export interface SyncCatalogInput {
  job: SyncJobConfig;
  runId: string;
  dryRun: boolean;
}

export interface SyncCatalogOutput {
  products: number;
  /** Known products whose software group changed since they were stored (forces a full pass). */
  groupChanged: number;
  quarantined: number;
  quarantineSample: QuarantinedRecord[];
  apiCalls: number;
  /**
   * Why the pass must be full, when products changed group: kept in the store with the
   * catalog rows themselves, so it survives a failed run or a retried catalog attempt.
   */
  fullPassReason?: string | undefined;
}

const CATALOG_CURSOR = 1;

interface CatalogCursor {
  v: typeof CATALOG_CURSOR;
  offset: number;
  done: Omit<SyncCatalogOutput, 'quarantineSample'>;
}

const CATALOG_PAGE = 500;

export function createSyncCatalog(deps: ActivityDeps) {
  /** Walk GET /software page by page (heartbeating the offset, resuming from it) into the store. */
  return async function syncCatalog(input: SyncCatalogInput): Promise<SyncCatalogOutput> {
    return asActivity(async () => {
      const client = deps.clientFor(input.job);
      const before = client.apiCalls;
      const last = lastHeartbeat<CatalogCursor>();
      const resumed = last?.v === CATALOG_CURSOR ? last : undefined;
      let offset = resumed?.offset ?? 0;
      const acc = resumed?.done ?? { products: 0, groupChanged: 0, quarantined: 0, apiCalls: 0 };
      const sample: QuarantinedRecord[] = [];
      for (;;) {
        const page = await client.listSoftware({ offset, limit: CATALOG_PAGE });
        const known = await deps.store.getProductGroups(
          input.job.id,
          page.items.map((p) => p.id),
        );
        acc.groupChanged += page.items.filter(
          (p) => known.has(p.id) && known.get(p.id) !== p.softwareGroup,
        ).length;
        if (!input.dryRun) {
          await deps.store.upsertCatalog(input.job.id, page.items);
          if (page.quarantined.length)
            await deps.store.saveQuarantine(input.job.id, input.runId, page.quarantined);
        }
        acc.products += page.items.length;
        acc.quarantined += page.quarantined.length;
        addSample(sample, page.quarantined);
        offset += page.received;
        heartbeat({
          v: CATALOG_CURSOR,
          offset,
          done: { ...acc, apiCalls: acc.apiCalls + client.apiCalls - before },
        } satisfies CatalogCursor);
        if (page.received === 0 || offset >= page.total) break;
      }
      const fullPassReason = input.dryRun
        ? acc.groupChanged > 0
          ? groupChangeReason(acc.groupChanged)
          : undefined
        : await deps.store.fullPassReason(input.job.id);
      return {
        ...acc,
        apiCalls: acc.apiCalls + client.apiCalls - before,
        quarantineSample: sample,
        fullPassReason,
      };
    });
  };
}
