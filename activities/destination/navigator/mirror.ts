/**
 * The run's first look at Navigator: every record of the Computers and Inventory Items classes
 * is listed (page by page until an empty page) into the state store's mirror of match keys, and
 * links whose record a Navigator user retired are marked retired (with their state record, so
 * the write-back deletes the AlloyScan device when the job says so).
 */
import type { NavigatorKind } from '../../../common/domain';
import type { NavigatorRow } from '../../navigator/client-types';
import type { MirrorRow, SyncStore } from '../../store/store-types';
import { recordKeys } from './matching';
import { className, type NavigatorTarget } from './push';

export interface MirrorResult {
  records: Partial<Record<NavigatorKind, number>>;
  retired: number;
  apiCalls: number;
}

const KINDS: readonly NavigatorKind[] = ['computer', 'hardware'];

/** The listing fields the match keys and the retired status come from. */
export function mirrorFields(target: NavigatorTarget): string[] {
  const c = target.config;
  return [...new Set(['ID', 'OID', 'Name', 'Serial_Num', 'MAC_Address', c.deviceIdField, c.statusField])];
}

function toMirror(target: NavigatorTarget, kind: NavigatorKind, row: NavigatorRow): MirrorRow | undefined {
  const c = target.config;
  if (!row.ID) return undefined;
  return {
    guid: row.ID,
    kind,
    oid: row.OID ?? undefined,
    retired: row[c.statusField] === c.retiredStatus,
    ...recordKeys({
      name: row.Name,
      serial: row.Serial_Num,
      mac: row.MAC_Address,
      deviceId: row[c.deviceIdField],
    }),
  };
}

export async function refreshMirror(
  store: SyncStore,
  target: NavigatorTarget,
  jobId: string,
  onPage: () => void,
): Promise<MirrorResult> {
  const before = target.client.apiCalls;
  const records: Partial<Record<NavigatorKind, number>> = {};
  let reset = true;
  for (const kind of KINDS) {
    records[kind] = 0;
    for await (const page of target.client.listAll({
      className: className(target.config, kind),
      fields: mirrorFields(target),
    })) {
      const rows = page.flatMap((r) => toMirror(target, kind, r) ?? []);
      await store.navigator.writeMirror(jobId, rows, reset);
      reset = false;
      records[kind] += rows.length;
      onPage();
    }
  }
  if (reset) await store.navigator.writeMirror(jobId, [], true);
  const retired = await store.navigator.retireFromMirror(jobId);
  return { records, retired, apiCalls: target.client.apiCalls - before };
}
