/**
 * Applies one page of devices to the store in one transaction: linked devices are updated
 * when their content hash changed, new ones go up the identity ladder (adopt or create),
 * then their Discovered Installations are brought in line. A dry run rolls it all back.
 */
import type { Kysely, Transaction } from 'kysely';
import { SAMPLE_SIZE } from '../../common/counts';
import type { DeviceUpsert, IdentityRule, NavigatorKind } from '../../common/domain';
import { recordBatch } from './batch-ledger';
import { ensureInstalledProducts } from './catalog-repository';
import {
  findLadderRecords,
  findLinked,
  insertNewRecords,
  ladderKeys,
  updateRecord,
  type LinkedRecord,
} from './device-repository';
import { resolveIdentities, type LadderDevice } from './identity-ladder';
import {
  dedupeInstallations,
  syncInstallations,
  type InstallChanges,
  type InstallTarget,
} from './installation-repository';
import { adoptRecord, moveRecord } from './record-links';
import type { ApplyPageOptions, ApplyPageResult } from './store-types';
import type { Database } from './tables';

/** Thrown inside a dry run's transaction to roll it back, carrying the result out. */
class DryRunRollback extends Error {
  constructor(readonly result: ApplyPageResult) {
    super('dry run: rolled back');
  }
}

class PageTally {
  readonly result: ApplyPageResult = {
    added: 0,
    updated: 0,
    unchanged: 0,
    adopted: {},
    installationsAdded: 0,
    installationsUpdated: 0,
    installationsRemoved: 0,
    samples: { added: [], updated: [] },
  };
  constructor(private readonly sampleSize: number) {}

  change(kind: 'added' | 'updated', d: DeviceUpsert, rule?: IdentityRule): void {
    this.result[kind]++;
    if (rule !== undefined) this.result.adopted[rule] = (this.result.adopted[rule] ?? 0) + 1;
    const sample = this.result.samples[kind];
    if (sample.length < this.sampleSize) sample.push(d.name ?? d.sourceId);
  }

  finish(changes: InstallChanges): ApplyPageResult {
    this.result.installationsAdded = changes.added;
    this.result.installationsUpdated = changes.updated;
    this.result.installationsRemoved = changes.removed;
    return this.result;
  }
}

function targetOf(kind: NavigatorKind, recordId: number, d: DeviceUpsert, isNew: boolean): InstallTarget {
  return { kind, recordId, installations: d.installations, isNew };
}

/**
 * A device already linked to the job: retired records are left alone (a user retired them;
 * the sync does not revive them), unchanged ones are not written. Returns what to sync.
 */
async function applyLinked(trx: Transaction<Database>, row: LinkedRecord, d: DeviceUpsert, now: string) {
  const expected = dedupeInstallations(d.installations).length;
  if (row.status === 'Retired') return undefined;
  if (row.kind !== d.kind) return targetOf(d.kind, await moveRecord(trx, row, d, expected, now), d, true);
  if (row.content_hash === d.contentHash && row.missing_from_alloyscan === 0) return undefined;
  await updateRecord(trx, row.kind, row.id, d, expected, now);
  return targetOf(row.kind, row.id, d, false);
}

/** Devices new to the job, of one kind: adopt an existing record by the ladder, or create one. */
async function linkFresh(
  trx: Transaction<Database>,
  jobId: string,
  kind: NavigatorKind,
  fresh: readonly DeviceUpsert[],
  page: readonly LadderDevice[],
  ctx: { now: string; tally: PageTally },
): Promise<InstallTarget[]> {
  const keyed = fresh.map((d) => ({ sourceId: d.sourceId, ...ladderKeys(d) }));
  const matches = resolveIdentities(keyed, page, await findLadderRecords(trx, kind, keyed));
  const bySource = new Map(fresh.map((d) => [d.sourceId, d]));
  const targets: InstallTarget[] = [];
  const created: DeviceUpsert[] = [];
  for (const { sourceId, rule, recordId } of matches) {
    const device = bySource.get(sourceId);
    if (device === undefined) continue;
    if (rule === 'new' || recordId === undefined) {
      created.push(device);
      continue;
    }
    const expectedInstallations = dedupeInstallations(device.installations).length;
    await adoptRecord(trx, jobId, kind, recordId, { device, rule, expectedInstallations }, ctx.now);
    targets.push(targetOf(kind, recordId, device, false));
    ctx.tally.change('updated', device, rule);
  }
  const news = created.map((device) => ({
    device,
    expectedInstallations: dedupeInstallations(device.installations).length,
  }));
  const ids = await insertNewRecords(trx, jobId, kind, news, ctx.now);
  for (const device of created) {
    const id = ids.get(device.sourceId);
    if (id === undefined) throw new Error(`insert of ${kind} ${device.sourceId} returned no id`);
    targets.push(targetOf(kind, id, device, true));
    ctx.tally.change('added', device);
  }
  return targets;
}

async function applyInTransaction(
  trx: Transaction<Database>,
  jobId: string,
  page: readonly DeviceUpsert[],
  sampleSize: number,
): Promise<ApplyPageResult> {
  const ctx = { now: new Date().toISOString(), tally: new PageTally(sampleSize) };
  const linked = await findLinked(
    trx,
    jobId,
    page.map((d) => d.sourceId),
  );
  const targets: InstallTarget[] = [];
  const fresh: DeviceUpsert[] = [];
  for (const d of page) {
    const row = linked.get(d.sourceId);
    if (row === undefined) {
      fresh.push(d);
      continue;
    }
    const target = await applyLinked(trx, row, d, ctx.now);
    if (target === undefined) ctx.tally.result.unchanged++;
    else {
      targets.push(target);
      ctx.tally.change('updated', d);
    }
  }
  const pageKeys = page.map((d) => ({ sourceId: d.sourceId, ...ladderKeys(d) }));
  for (const kind of ['computer', 'hardware'] as const) {
    const ofKind = fresh.filter((d) => d.kind === kind);
    if (ofKind.length > 0) targets.push(...(await linkFresh(trx, jobId, kind, ofKind, pageKeys, ctx)));
  }
  const changes = await syncInstallations(trx, targets, ctx.now);
  await ensureInstalledProducts(
    trx,
    jobId,
    targets.flatMap((t) => t.installations),
    ctx.now,
  );
  return ctx.tally.finish(changes);
}

/**
 * Applies a page idempotently (a device listed twice in the page keeps its last entry). With
 * `batch` (not a dry run), returns the batch's total over every commit, recorded in the same transaction.
 */
export async function applyDevicePage(
  db: Kysely<Database>,
  jobId: string,
  devices: readonly DeviceUpsert[],
  opts: ApplyPageOptions = {},
): Promise<ApplyPageResult> {
  const page = [...new Map(devices.map((d) => [d.sourceId, d])).values()];
  const sampleSize = opts.sampleSize ?? SAMPLE_SIZE;
  const { batch } = opts;
  if (opts.dryRun !== true)
    return db.transaction().execute(async (trx) => {
      const result = await applyInTransaction(trx, jobId, page, sampleSize);
      if (batch === undefined) return result;
      return recordBatch(trx, jobId, batch, { result, distinct: page.length, sampleSize });
    });
  try {
    await db.transaction().execute(async (trx) => {
      throw new DryRunRollback(await applyInTransaction(trx, jobId, page, sampleSize));
    });
  } catch (err) {
    if (err instanceof DryRunRollback) return err.result;
    throw err;
  }
  throw new Error('dry run transaction was not rolled back');
}
