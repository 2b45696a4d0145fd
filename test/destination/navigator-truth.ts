/**
 * Navigator (read through the emulator's admin routes, its ground truth) against the state
 * store, record by record: exactly one live record per live state record, in the right class,
 * fields as mapped (Name, Serial_Num for non-junk serials, Audit_ID), no two live records with
 * the same device id, created Computers Auto-Added.
 */
import assert from 'node:assert/strict';
import { serialKey, type SqlSyncStore } from '../../activities/store';
import type { NavigatorKind } from '../../common/domain';
import type { NavigatorReport, RunReport } from '../../common/sync-types';

type NavRecord = Record<string, string | null>;
type Admin = <T>(method: string, path: string, body?: unknown) => Promise<T>;

const CLASS: Record<NavigatorKind, string> = { computer: 'Computers', hardware: 'InventoryItems' };

export interface NavigatorTruth {
  /** Live state records, each found once in Navigator. */
  records: number;
  computers: number;
  inventoryItems: number;
}

async function liveNavigator(admin: Admin, kind: NavigatorKind): Promise<NavRecord[]> {
  const { records } = await admin<{ records: NavRecord[] }>('GET', `/admin/records?class=${CLASS[kind]}`);
  return records.filter((r) => r.Status !== 'Retired');
}

/** Asserts Navigator = the state store for `jobId`; `label` names the run in every message. */
export async function assertNavigatorMatchesState(
  admin: Admin,
  store: SqlSyncStore,
  jobId: string,
  label: string,
): Promise<NavigatorTruth> {
  const nav = {
    computer: await liveNavigator(admin, 'computer'),
    hardware: await liveNavigator(admin, 'hardware'),
  };
  // Zero duplicates over both classes: no two live records carry the same device id.
  const seen = new Map<string, string>();
  for (const kind of ['computer', 'hardware'] as const)
    for (const r of nav[kind]) {
      if (!r.Audit_ID) continue;
      const other = seen.get(r.Audit_ID);
      assert.equal(other, undefined, `${label}: ${r.Audit_ID} carried by ${other} and ${r.OID}`);
      seen.set(r.Audit_ID, r.OID ?? '?');
    }
  const counts = { computer: 0, hardware: 0 };
  for (const kind of ['computer', 'hardware'] as const) {
    const byDevice = new Map(nav[kind].filter((r) => r.Audit_ID).map((r) => [r.Audit_ID!, r]));
    const state = (await store.listRecords(kind, jobId)).filter(
      (r) => r.status !== 'Retired' && !r.retiredAt && !r.missingFromAlloyScan,
    );
    for (const s of state) {
      const n = byDevice.get(s.sourceId ?? '');
      assert.ok(n, `${label}: ${kind} ${s.sourceId} has no live ${CLASS[kind]} record`);
      assert.equal(n.Name, s.name, `${label}: ${s.sourceId} Name`);
      if (serialKey(s.serialNumber))
        assert.equal(n.Serial_Num, s.serialNumber, `${label}: ${s.sourceId} Serial_Num`);
      if (kind === 'computer')
        assert.equal(n.Status, 'Auto-Added', `${label}: ${s.sourceId} created Auto-Added`);
      byDevice.delete(s.sourceId!);
    }
    assert.deepEqual(
      [...byDevice.keys()],
      [],
      `${label}: live ${CLASS[kind]} records of no live state record`,
    );
    counts[kind] = state.length;
  }
  return {
    records: counts.computer + counts.hardware,
    computers: counts.computer,
    inventoryItems: counts.hardware,
  };
}

/** The run succeeded, its Navigator verify found every link once; returns the Navigator part. */
export function checkReport(label: string, report: RunReport, records: number): NavigatorReport {
  const n = report.navigator;
  assert.ok(n, `${label}: the report has a Navigator part`);
  assert.deepEqual(
    {
      outcome: report.outcome,
      verify: n.verify,
      linked: n.linked.computers + n.linked.inventoryItems,
      refused: n.refused,
      ambiguous: n.ambiguous,
    },
    {
      outcome: 'succeeded',
      verify: { expected: records, found: records, duplicates: 0, unlinked: 0, ok: true },
      linked: records,
      refused: 0,
      ambiguous: 0,
    },
    `${label}: ${report.message}`,
  );
  return n;
}
