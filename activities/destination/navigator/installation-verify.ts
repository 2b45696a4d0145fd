/**
 * Navigator's side of verify for Software Installations: the class listed (ID, Computer,
 * Product) against the job's installation links. A record the job links is found; a record no
 * link names, on a Computer + Product the job links, is a duplicate.
 */
import { refKey } from '../../store/installation-link-repository';
import type { SyncStore } from '../../store/store-types';
import { INSTALLATION_FIELDS, installationClass } from './installations';
import type { NavigatorTarget } from './push';

export interface InstallationVerify {
  /** Navigator installation records the job links (removed in AlloyScan included: they are left). */
  expected: number;
  found: number;
  duplicates: number;
  apiCalls: number;
  ok: boolean;
}

/** Undefined when the navigator writes no installations. */
export async function verifyInstallations(
  store: SyncStore,
  target: NavigatorTarget,
  jobId: string,
  onPage: () => void,
): Promise<InstallationVerify | undefined> {
  const cls = installationClass(target);
  if (!cls) return undefined;
  const before = target.client.apiCalls;
  const expected = await store.navigator.countInstallationRecords(jobId);
  const found = new Set<string>();
  const counted = new Set<string>();
  let duplicates = 0;
  for await (const page of target.client.listAll({
    className: cls.className,
    fields: ['ID', INSTALLATION_FIELDS.computer, INSTALLATION_FIELDS.product],
    setting: `navigators.${target.config.id}.classes.softwareInstallation`,
  })) {
    const rows = page.filter((r) => r.ID);
    const linked = await store.navigator.linkedInstallationGuids(
      jobId,
      rows.map((r) => r.ID ?? ''),
    );
    const others = rows.filter((r) => !linked.has(refKey(r.ID)));
    const pairs = await store.navigator.linkedInstallationPairs(
      jobId,
      others.map((r) => r[INSTALLATION_FIELDS.computer] ?? '').filter(Boolean),
    );
    for (const r of rows) {
      const id = refKey(r.ID);
      if (linked.has(id)) found.add(id);
      else if (!counted.has(id)) {
        counted.add(id);
        const pair = `${refKey(r[INSTALLATION_FIELDS.computer])}|${refKey(r[INSTALLATION_FIELDS.product])}`;
        if (pairs.has(pair)) duplicates++;
      }
    }
    onPage();
  }
  return {
    expected,
    found: found.size,
    duplicates,
    apiCalls: target.client.apiCalls - before,
    ok: found.size === expected && duplicates === 0,
  };
}
