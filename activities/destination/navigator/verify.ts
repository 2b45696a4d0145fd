/**
 * Navigator's side of verify: each class listed (ID, device id field, status), compared with
 * the job's links. A live record the job links is found; a live record carrying a device id
 * of the job that no link names is a duplicate.
 */
import type { NavigatorKind } from '../../../common/domain';
import type { SyncStore } from '../../store/store-types';
import { className, type NavigatorTarget } from './push';

export interface NavigatorVerify {
  /** Live links of the job (what Navigator should hold). */
  expected: number;
  /** Live records found in Navigator that the job links. */
  found: number;
  /** Live records carrying one of the job's device ids that no link names. */
  duplicates: number;
  apiCalls: number;
  ok: boolean;
}

const KINDS: readonly NavigatorKind[] = ['computer', 'hardware'];

export async function verifyNavigator(
  store: SyncStore,
  target: NavigatorTarget,
  jobId: string,
  expected: number,
  onPage: () => void,
): Promise<NavigatorVerify> {
  const c = target.config;
  const before = target.client.apiCalls;
  let found = 0;
  let duplicates = 0;
  for (const kind of KINDS) {
    for await (const page of target.client.listAll({
      className: className(c, kind),
      fields: ['ID', c.deviceIdField, c.statusField],
    })) {
      const live = page.filter((r) => r.ID && r[c.statusField] !== c.retiredStatus);
      const linked = await store.navigator.linkedGuids(
        jobId,
        live.map((r) => r.ID ?? ''),
      );
      const deviceIds = live.filter((r) => !linked.has(r.ID ?? '')).map((r) => r[c.deviceIdField] ?? '');
      const bySource = await store.navigator.linkedSources(jobId, deviceIds.filter(Boolean));
      for (const r of live) {
        const link = linked.get(r.ID ?? '');
        if (link) {
          if (!link.retired) found++;
        } else if (bySource.has(r[c.deviceIdField] ?? '')) duplicates++;
      }
      onPage();
    }
  }
  return {
    expected,
    found,
    duplicates,
    apiCalls: target.client.apiCalls - before,
    ok: found === expected && duplicates === 0,
  };
}
