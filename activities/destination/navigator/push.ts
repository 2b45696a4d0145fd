/**
 * Writes state records into Navigator, exactly once: a device without a link is matched
 * against the run's mirror of Navigator records (device id field, then name + serial, serial,
 * MAC + name; several candidates: quarantined, never guessed) and adopted, or created through
 * the class's Template after a pending mark is committed; a pending create (answer lost, or the
 * worker killed after sending) is looked for by the device id field before anything is created
 * again. A linked device is updated by its step action only with the fields whose mapped value
 * changed; an unchanged one costs no call. Matching runs one record at a time (claims are
 * committed before the next record matches); the calls run `concurrency` at a time.
 */
import type { NavigatorKind, QuarantinedRecord } from '../../../common/domain';
import { FailureType } from '../../../common/failure-types';
import type { NavigatorConfig } from '../../../common/sync-types';
import type { NavigatorClient, WriteOutcome } from '../../navigator/client-types';
import { mapLimitSettled } from '../../run-helpers';
import type { PushRecord, RunNavigatorStats, SyncStore } from '../../store/store-types';
import { createFields, dropFilled, mapRecord, mappingRules, updateFields, writtenValues } from './mapping';
import { matchPlan } from './matching';

export interface NavigatorTarget {
  config: NavigatorConfig;
  client: NavigatorClient;
}

export interface PushContext {
  store: SyncStore;
  target: NavigatorTarget;
  jobId: string;
  runId: string;
}

type Plan =
  | { op: 'update'; rec: PushRecord; guid: string; oid: string; last?: Record<string, string> | undefined }
  | { op: 'markMissing'; rec: PushRecord; oid: string }
  | { op: 'clearMissing'; rec: PushRecord }
  | { op: 'create'; rec: PushRecord; lookFirst: boolean }
  | { op: 'ambiguous'; rec: PushRecord; rule: string; oids: string[] };

export const LOST_ANSWER_TRIES = 3;

export function className(cfg: NavigatorConfig, kind: NavigatorKind): string {
  return kind === 'computer' ? cfg.classes.computer : cfg.classes.inventoryItem;
}

/** Push these records; counters go to the run's stats as each record finishes. */
export async function pushRecords(ctx: PushContext, records: PushRecord[]): Promise<void> {
  const plans: Plan[] = [];
  for (const rec of records) plans.push(await planFor(ctx, rec));
  await mapLimitSettled(plans, ctx.target.config.concurrency, async (plan) => {
    const stats: Partial<RunNavigatorStats> = {};
    const before = ctx.target.client.throttled;
    try {
      await execute(ctx, plan, stats);
    } finally {
      stats.throttled = Math.max(0, ctx.target.client.throttled - before);
      if (Object.values(stats).some((v) => v))
        await ctx.store.navigator.addRunStats(ctx.jobId, ctx.runId, stats);
    }
  });
}

/** Decide what a record needs; adoption claims are committed here, one record at a time. */
async function planFor(ctx: PushContext, rec: PushRecord): Promise<Plan> {
  const { link } = rec;
  if (link?.guid && link.oid) {
    if (rec.missing) return { op: 'markMissing', rec, oid: link.oid };
    if (link.missingMarkedAt && link.sourceHash === rec.contentHash) return { op: 'clearMissing', rec };
    return { op: 'update', rec, guid: link.guid, oid: link.oid, last: link.mapped };
  }
  if (link?.pendingSince) return { op: 'create', rec, lookFirst: true };
  for (const { rule, keys } of matchPlan(rec.sourceId, rec.record)) {
    const found = await ctx.store.navigator.mirrorCandidates(ctx.jobId, rec.kind, keys, 5);
    if (found.length > 1) return { op: 'ambiguous', rec, rule, oids: found.map((f) => f.oid ?? f.guid) };
    const [one] = found;
    if (one) {
      await ctx.store.navigator.saveLink(ctx.jobId, ctx.runId, {
        sourceId: rec.sourceId,
        kind: rec.kind,
        guid: one.guid,
        oid: one.oid ?? one.guid,
        rule,
        pendingSince: null,
        stamp: 'linked',
      });
      return { op: 'update', rec, guid: one.guid, oid: one.oid ?? one.guid };
    }
  }
  return { op: 'create', rec, lookFirst: false };
}

async function execute(ctx: PushContext, plan: Plan, stats: Partial<RunNavigatorStats>): Promise<void> {
  switch (plan.op) {
    case 'update':
      return update(ctx, plan.rec, plan.oid, plan.last, stats);
    case 'markMissing':
      return markMissing(ctx, plan.rec, plan.oid, stats);
    case 'clearMissing':
      return ctx.store.navigator.saveLink(ctx.jobId, ctx.runId, {
        sourceId: plan.rec.sourceId,
        kind: plan.rec.kind,
        missingMarkedAt: null,
      });
    case 'create':
      return create(ctx, plan.rec, plan.lookFirst, stats);
    case 'ambiguous':
      stats.ambiguous = 1;
      return refuse(
        ctx,
        plan.rec,
        `several Navigator ${className(ctx.target.config, plan.rec.kind)} records match by ${plan.rule} (${plan.oids.join(', ')}): not adopted, not created; resolve the duplicates in Navigator`,
      );
  }
}

function updateAction(cfg: NavigatorConfig, kind: NavigatorKind): { id: string; setting: string } {
  return kind === 'computer'
    ? { id: cfg.actions.updateComputer, setting: `navigators.${cfg.id}.actions.updateComputer` }
    : { id: cfg.actions.updateInventoryItem, setting: `navigators.${cfg.id}.actions.updateInventoryItem` };
}

async function update(
  ctx: PushContext,
  rec: PushRecord,
  oid: string,
  last: Record<string, string> | undefined,
  stats: Partial<RunNavigatorStats>,
): Promise<void> {
  const { config, client } = ctx.target;
  const rules = mappingRules(config, rec.kind);
  const mapped = mapRecord(rules, rec.sourceId, rec.record);
  const planned = updateFields(rules, mapped, last);
  const { needsTarget } = planned;
  let { fields } = planned;
  if (needsTarget.length > 0) {
    count(stats, false);
    const target = await client.getObject(oid);
    if (target === undefined) return refuse(ctx, rec, `Navigator record ${oid} not found`, stats);
    fields = dropFilled(fields, needsTarget, target);
  }
  const done = {
    sourceId: rec.sourceId,
    kind: rec.kind,
    mapped: writtenValues(mapped),
    sourceHash: rec.contentHash,
    missingMarkedAt: null,
  };
  if (Object.keys(fields).length === 0) return ctx.store.navigator.saveLink(ctx.jobId, ctx.runId, done);
  const action = updateAction(config, rec.kind);
  const out = await stepWithRetry(ctx, oid, action.id, fields, stats);
  if (out.outcome === 'refused') return refused(ctx, rec, oid, action.id, out.errorText, stats);
  await ctx.store.navigator.saveLink(ctx.jobId, ctx.runId, { ...done, stamp: last ? 'updated' : undefined });
}

async function markMissing(
  ctx: PushContext,
  rec: PushRecord,
  oid: string,
  stats: Partial<RunNavigatorStats>,
): Promise<void> {
  const { config } = ctx.target;
  const actionId =
    rec.kind === 'computer'
      ? config.actions.markMissing?.computer
      : config.actions.markMissing?.inventoryItem;
  const at = new Date().toISOString();
  if (actionId !== undefined) {
    const out = await stepWithRetry(ctx, oid, actionId, {}, stats);
    if (out.outcome === 'refused') return refused(ctx, rec, oid, actionId, out.errorText, stats);
  }
  await ctx.store.navigator.saveLink(ctx.jobId, ctx.runId, {
    sourceId: rec.sourceId,
    kind: rec.kind,
    missingMarkedAt: at,
    ...(actionId !== undefined && { stamp: 'marked' as const }),
  });
}

/** A step action sets absolute values: resending one whose answer was lost is harmless. */
async function stepWithRetry(
  ctx: PushContext,
  oid: string,
  actionId: string,
  fields: Record<string, string>,
  stats: Partial<RunNavigatorStats>,
): Promise<Exclude<WriteOutcome, { outcome: 'unknown' }>> {
  for (let i = 0; i < LOST_ANSWER_TRIES; i++) {
    count(stats, true);
    const out = await ctx.target.client.stepAction(oid, actionId, fields);
    if (out.outcome !== 'unknown') return out;
    stats.unknownOutcomes = (stats.unknownOutcomes ?? 0) + 1;
  }
  throw lostTooOften(`step action ${actionId} on ${oid}`);
}

async function create(
  ctx: PushContext,
  rec: PushRecord,
  lookFirst: boolean,
  stats: Partial<RunNavigatorStats>,
): Promise<void> {
  const { config, client } = ctx.target;
  const nav = ctx.store.navigator;
  const rules = mappingRules(config, rec.kind);
  const mapped = mapRecord(rules, rec.sourceId, rec.record);
  const template =
    rec.kind === 'computer'
      ? { id: config.templates.computer, setting: `navigators.${config.id}.templates.computer` }
      : { id: config.templates.inventoryItem, setting: `navigators.${config.id}.templates.inventoryItem` };
  let look = lookFirst;
  for (let i = 0; i < LOST_ANSWER_TRIES; i++) {
    if (look) {
      count(stats, false);
      const rows = await client.listPage({
        className: className(config, rec.kind),
        fields: ['ID', 'OID'],
        filters: [{ name: config.deviceIdField, value: rec.sourceId }],
        offset: 0,
        limit: 5,
      });
      if (rows.length > 1) {
        stats.ambiguous = (stats.ambiguous ?? 0) + 1;
        const oids = rows.map((r) => r.OID ?? r.ID ?? '?').join(', ');
        return refuse(
          ctx,
          rec,
          `several Navigator records carry this device id in ${config.deviceIdField} (${oids})`,
        );
      }
      const [row] = rows;
      if (row?.ID) {
        const oid = row.OID ?? row.ID;
        await nav.saveLink(ctx.jobId, ctx.runId, {
          sourceId: rec.sourceId,
          kind: rec.kind,
          guid: row.ID,
          oid,
          rule: 'lostAnswer',
          pendingSince: null,
          stamp: 'linked',
        });
        // What the lost create wrote is not known for sure: write the mapped values once.
        return update(ctx, rec, oid, undefined, stats);
      }
    }
    await nav.saveLink(ctx.jobId, ctx.runId, {
      sourceId: rec.sourceId,
      kind: rec.kind,
      pendingSince: new Date().toISOString(),
    });
    count(stats, true);
    const out = await client.create(template.id, createFields(mapped));
    if (out.outcome === 'done') {
      await nav.saveLink(ctx.jobId, ctx.runId, {
        sourceId: rec.sourceId,
        kind: rec.kind,
        guid: out.objectId,
        oid: out.objectOid,
        rule: 'created',
        mapped: writtenValues(mapped),
        sourceHash: rec.contentHash,
        pendingSince: null,
        missingMarkedAt: null,
        stamp: 'linked',
      });
      return;
    }
    if (out.outcome === 'refused') {
      await nav.saveLink(ctx.jobId, ctx.runId, {
        sourceId: rec.sourceId,
        kind: rec.kind,
        pendingSince: null,
      });
      return refused(ctx, rec, undefined, template.id, out.errorText, stats);
    }
    stats.unknownOutcomes = (stats.unknownOutcomes ?? 0) + 1;
    look = true;
  }
  throw lostTooOften(`create ${template.id}`);
}

/** A refused step action: the record may have been retired by a Navigator user since the listing. */
async function refused(
  ctx: PushContext,
  rec: PushRecord,
  oid: string | undefined,
  actionId: string,
  errorText: string,
  stats: Partial<RunNavigatorStats>,
): Promise<void> {
  const { config, client } = ctx.target;
  if (oid !== undefined) {
    count(stats, false);
    const target = await client.getObject(oid);
    if (target?.[config.statusField] === config.retiredStatus)
      return ctx.store.navigator.retireLink(ctx.jobId, rec.kind, rec.sourceId);
  }
  return refuse(
    ctx,
    rec,
    `Navigator refused action ${actionId}${oid ? ` on ${oid}` : ''}: ${errorText}`,
    stats,
  );
}

/** Quarantine the device with the reason; it is tried again in the next run. */
async function refuse(
  ctx: PushContext,
  rec: PushRecord,
  reason: string,
  stats?: Partial<RunNavigatorStats>,
): Promise<void> {
  if (stats) stats.refused = (stats.refused ?? 0) + 1;
  const record: QuarantinedRecord = {
    sourceId: rec.sourceId,
    kind: 'navigator',
    reason,
    rawExcerpt: JSON.stringify({ kind: rec.kind, name: rec.record.name }).slice(0, 2000),
  };
  await ctx.store.saveQuarantine(ctx.jobId, ctx.runId, [record]);
  await ctx.store.navigator.saveLink(ctx.jobId, ctx.runId, {
    sourceId: rec.sourceId,
    kind: rec.kind,
    stamp: 'refused',
  });
}

export function count(stats: Partial<RunNavigatorStats>, write: boolean): void {
  stats.apiCalls = (stats.apiCalls ?? 0) + 1;
  if (write) stats.writeCalls = (stats.writeCalls ?? 0) + 1;
}

/** Retryable (its `type` is read by the failure map): the pending mark makes the retry look first. */
class OutcomeUnknownError extends Error {
  override readonly name = 'OutcomeUnknownError';
  readonly type = FailureType.Transient;
}

export function lostTooOften(what: string): OutcomeUnknownError {
  return new OutcomeUnknownError(
    `Navigator did not answer ${what} ${LOST_ANSWER_TRIES} times in a row: retrying the step`,
  );
}
