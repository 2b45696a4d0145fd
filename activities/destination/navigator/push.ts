/**
 * Writes state records into Navigator, exactly once: a device without a link is matched
 * against the run's mirror of Navigator records (device id field, then name + serial, serial,
 * MAC + name; several candidates: quarantined, never guessed) and adopted, or created through
 * the class's Template after its pending mark is committed; a pending create (answer lost, or
 * the worker killed after sending) is looked for by the device id field before anything is
 * created again. A linked device is updated by its step action only with the fields whose
 * mapped value changed; an unchanged one costs no call. A linked record Navigator no longer has
 * (deleted from its database: absent from the mirror, or "not found" when written) loses its
 * link and the device is matched and created again. A device flagged missing that AlloyScan
 * sees again has the flag taken off by the clearMissing action, when one is configured.
 *
 * Matching runs one record at a time, one push of the job at a time (claims are committed
 * before the next record matches); the pending marks of a push go in one transaction before
 * its creates are sent; the calls run `concurrency` at a time, and what they did is committed
 * in groups (link-writer.ts), each link after its call answered.
 */
import type { NavigatorKind } from '../../../common/domain';
import { mapLimitSettled } from '../../run-helpers';
import type { PushRecord, RunNavigatorStats } from '../../store/store-types';
import { LinkWriter, withClaims } from './link-writer';
import { createFields, dropFilled, mapRecord, mappingRules, updateFields, writtenValues } from './mapping';
import { matchPlan } from './matching';
import {
  className,
  clearMissingAction,
  count,
  LOST_ANSWER_TRIES,
  lostTooOften,
  markMissingAction,
  refuse,
  sendWrite,
  stepWithRetry,
  templateOf,
  updateAction,
  type PushContext,
  type PushRun,
} from './push-calls';

export { className, type NavigatorTarget, type PushContext } from './push-calls';

type Last = Record<string, string> | undefined;
type Plan =
  | { op: 'confirm'; rec: PushRecord; oid: string }
  | { op: 'update'; rec: PushRecord; oid: string; last?: Last }
  | { op: 'markMissing'; rec: PushRecord; oid: string }
  | { op: 'unflag'; rec: PushRecord; oid: string; actionId: string; last?: Last }
  | { op: 'clearMissing'; rec: PushRecord }
  | { op: 'create'; rec: PushRecord; lookFirst: boolean }
  | { op: 'ambiguous'; rec: PushRecord; rule: string; oids: string[] };

type CanMatch = (kind: NavigatorKind) => Promise<boolean>;

/** Push these records; counters go to the run's stats as records finish. */
export async function pushRecords(ctx: PushContext, records: PushRecord[]): Promise<void> {
  const run: PushRun = {
    ...ctx,
    writes: new LinkWriter(ctx.store, ctx.jobId, ctx.runId),
    recreated: new Set(),
  };
  const { client } = ctx.target;
  try {
    const plans = await withClaims(ctx.jobId, () => planAll(run, records));
    await ctx.store.navigator.markPending(
      ctx.jobId,
      plans.flatMap((p) =>
        p.op === 'create' && !p.lookFirst ? [{ sourceId: p.rec.sourceId, kind: p.rec.kind }] : [],
      ),
    );
    await mapLimitSettled(plans, ctx.target.config.concurrency, async (plan) => {
      const stats: Partial<RunNavigatorStats> = {};
      const before = client.throttled;
      try {
        await execute(run, plan, stats);
      } finally {
        stats.throttled = Math.max(0, client.throttled - before);
        run.writes.count(stats);
      }
    });
  } finally {
    await run.writes.close();
  }
}

async function planAll(run: PushRun, records: PushRecord[]): Promise<Plan[]> {
  // A mirror with no free record of a class (an empty Navigator) spares each device's lookups.
  const free = new Map<NavigatorKind, boolean>();
  const canMatch: CanMatch = async (kind) => {
    if (!free.has(kind)) free.set(kind, await run.store.navigator.mirrorHasFree(run.jobId, kind));
    return free.get(kind) ?? true;
  };
  const plans: Plan[] = [];
  for (const rec of records) plans.push(await planFor(run, rec, canMatch));
  return plans;
}

/** Decide what a record needs; adoption claims are committed here, one record at a time. */
async function planFor(run: PushRun, found: PushRecord, canMatch: CanMatch): Promise<Plan> {
  const { link } = found;
  if (link?.guid && link.oid) {
    // A device reclassified in AlloyScan (computer <-> hardware) stays in the class its record
    // is in: that class's actions and mapping (docs/navigator.md, limits).
    const rec = link.kind === found.kind ? found : { ...found, kind: link.kind };
    return rec.vanished ? { op: 'confirm', rec, oid: link.oid } : linkedPlan(run, rec, link.oid);
  }
  const rec = found;
  if (link?.pendingSince) return { op: 'create', rec, lookFirst: true };
  return matchFor(run, rec, canMatch);
}

function linkedPlan(run: PushRun, rec: PushRecord, oid: string): Plan {
  const last = rec.link?.mapped;
  if (rec.missing) return { op: 'markMissing', rec, oid };
  if (rec.link?.missingMarkedAt) {
    const actionId = clearMissingAction(run.target.config, rec.kind);
    if (actionId !== undefined) return { op: 'unflag', rec, oid, actionId, last };
    if (rec.link.sourceHash === rec.contentHash) return { op: 'clearMissing', rec };
  }
  return { op: 'update', rec, oid, last };
}

/** The matching rules against the mirror: adopt one match, refuse several, else create. */
async function matchFor(run: PushRun, rec: PushRecord, canMatch: CanMatch): Promise<Plan> {
  if (!(await canMatch(rec.kind))) return { op: 'create', rec, lookFirst: false };
  for (const { rule, keys } of matchPlan(rec.sourceId, rec.record)) {
    const found = await run.store.navigator.mirrorCandidates(run.jobId, rec.kind, keys, 5);
    if (found.length > 1) return { op: 'ambiguous', rec, rule, oids: found.map((f) => f.oid ?? f.guid) };
    const [one] = found;
    if (one) {
      const oid = one.oid ?? one.guid;
      await run.store.navigator.saveLink(run.jobId, run.runId, {
        sourceId: rec.sourceId,
        kind: rec.kind,
        guid: one.guid,
        oid,
        rule,
        pendingSince: null,
        stamp: 'linked',
      });
      return { op: 'update', rec, oid };
    }
  }
  return { op: 'create', rec, lookFirst: false };
}

async function execute(run: PushRun, plan: Plan, stats: Partial<RunNavigatorStats>): Promise<void> {
  const { rec } = plan;
  switch (plan.op) {
    case 'confirm': {
      count(stats, false);
      const target = await run.target.client.getObject(plan.oid);
      if (target === undefined) return recreate(run, rec, stats);
      return execute(run, linkedPlan(run, rec, plan.oid), stats);
    }
    case 'update':
      return update(run, rec, plan.oid, plan.last, stats);
    case 'markMissing':
      return markMissing(run, rec, plan.oid, stats);
    case 'unflag':
      return unflag(run, rec, plan.oid, plan.actionId, plan.last, stats);
    case 'clearMissing':
      return run.writes.save({ sourceId: rec.sourceId, kind: rec.kind, missingMarkedAt: null });
    case 'create':
      return create(run, rec, plan.lookFirst, stats);
    case 'ambiguous':
      stats.ambiguous = (stats.ambiguous ?? 0) + 1;
      return refuse(
        run,
        rec,
        `several Navigator ${className(run.target.config, rec.kind)} records match by ${plan.rule} (${plan.oids.join(', ')}): not adopted, not created; resolve the duplicates in Navigator`,
      );
  }
}

/**
 * The linked record is gone from Navigator's database: the link forgets it, and a device still
 * in AlloyScan is matched again and, if nothing matches, created through the Template (pending
 * mark first). Once per device and push: a record gone again is quarantined.
 */
async function recreate(run: PushRun, rec: PushRecord, stats: Partial<RunNavigatorStats>): Promise<void> {
  const oid = rec.link?.oid ?? '?';
  if (run.recreated.has(rec.sourceId))
    return refuse(run, rec, `Navigator record ${oid} is gone again after being made anew`, stats);
  run.recreated.add(rec.sourceId);
  await run.store.navigator.dropLinkedRecord(run.jobId, run.runId, rec.sourceId);
  if (rec.missing) return; // gone from both sides: nothing left to flag
  const fresh = { ...rec, link: undefined, vanished: false };
  const plan = await withClaims(run.jobId, () => matchFor(run, fresh, () => Promise.resolve(true)));
  if (plan.op === 'create') await run.store.navigator.markPending(run.jobId, [rec]);
  return execute(run, plan, stats);
}

async function update(
  run: PushRun,
  rec: PushRecord,
  oid: string,
  last: Last,
  stats: Partial<RunNavigatorStats>,
): Promise<void> {
  const { config, client } = run.target;
  const rules = mappingRules(config, rec.kind);
  const mapped = mapRecord(rules, rec.sourceId, rec.record);
  const planned = updateFields(rules, mapped, last);
  const { needsTarget } = planned;
  let { fields } = planned;
  if (needsTarget.length > 0) {
    count(stats, false);
    const target = await client.getObject(oid);
    if (target === undefined) return recreate(run, rec, stats);
    fields = dropFilled(fields, needsTarget, target);
  }
  const done = {
    sourceId: rec.sourceId,
    kind: rec.kind,
    mapped: writtenValues(mapped),
    sourceHash: rec.contentHash,
    missingMarkedAt: null,
  };
  if (Object.keys(fields).length === 0) return run.writes.save(done);
  const action = updateAction(config, rec.kind);
  const out = await stepWithRetry(run, oid, action.id, fields, stats);
  if (out.outcome === 'refused') return refused(run, rec, oid, action.id, out.errorText, stats);
  await run.writes.save({ ...done, stamp: last ? 'updated' : undefined });
}

async function markMissing(
  run: PushRun,
  rec: PushRecord,
  oid: string,
  stats: Partial<RunNavigatorStats>,
): Promise<void> {
  const actionId = markMissingAction(run.target.config, rec.kind);
  const at = new Date().toISOString();
  if (actionId !== undefined) {
    const out = await stepWithRetry(run, oid, actionId, {}, stats);
    if (out.outcome === 'refused') return refused(run, rec, oid, actionId, out.errorText, stats);
  }
  await run.writes.save({
    sourceId: rec.sourceId,
    kind: rec.kind,
    missingMarkedAt: at,
    ...(actionId !== undefined && { stamp: 'marked' as const }),
  });
}

/** A flagged device AlloyScan sees again: the clearMissing action, then its changed fields. */
async function unflag(
  run: PushRun,
  rec: PushRecord,
  oid: string,
  actionId: string,
  last: Last,
  stats: Partial<RunNavigatorStats>,
): Promise<void> {
  const out = await stepWithRetry(run, oid, actionId, {}, stats);
  if (out.outcome === 'refused') return refused(run, rec, oid, actionId, out.errorText, stats);
  await run.writes.save({
    sourceId: rec.sourceId,
    kind: rec.kind,
    missingMarkedAt: null,
    stamp: 'unflagged',
  });
  if (rec.link?.sourceHash !== rec.contentHash) return update(run, rec, oid, last, stats);
}

/** Sends the create; its pending mark is committed already (pushRecords, recreate, an earlier attempt). */
async function create(
  run: PushRun,
  rec: PushRecord,
  lookFirst: boolean,
  stats: Partial<RunNavigatorStats>,
): Promise<void> {
  const { config, client } = run.target;
  const mapped = mapRecord(mappingRules(config, rec.kind), rec.sourceId, rec.record);
  const template = templateOf(config, rec.kind);
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
          run,
          rec,
          `several Navigator records carry this device id in ${config.deviceIdField} (${oids})`,
        );
      }
      const [row] = rows;
      if (row?.ID) {
        const oid = row.OID ?? row.ID;
        await run.writes.save({
          sourceId: rec.sourceId,
          kind: rec.kind,
          guid: row.ID,
          oid,
          rule: 'lostAnswer',
          pendingSince: null,
          stamp: 'linked',
        });
        // What the lost create wrote is not known for sure: write the mapped values once.
        return update(run, rec, oid, undefined, stats);
      }
    }
    count(stats, true);
    const out = await sendWrite(() => client.create(template.id, createFields(mapped)));
    if (out.outcome === 'done') {
      return run.writes.save({
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
    }
    if (out.outcome === 'refused') {
      await run.writes.save({ sourceId: rec.sourceId, kind: rec.kind, pendingSince: null });
      return refused(run, rec, undefined, template.id, out.errorText, stats);
    }
    stats.unknownOutcomes = (stats.unknownOutcomes ?? 0) + 1;
    look = true;
  }
  throw lostTooOften(`create ${template.id}`);
}

/**
 * A refused step action: the record may have been retired by a Navigator user since the
 * listing (the link is retired), or deleted from Navigator's database (made anew).
 */
async function refused(
  run: PushRun,
  rec: PushRecord,
  oid: string | undefined,
  actionId: string,
  errorText: string,
  stats: Partial<RunNavigatorStats>,
): Promise<void> {
  const { config, client } = run.target;
  if (oid !== undefined) {
    count(stats, false);
    const target = await client.getObject(oid);
    if (target === undefined) return recreate(run, rec, stats);
    if (target[config.statusField] === config.retiredStatus)
      return run.store.navigator.retireLink(run.jobId, rec.kind, rec.sourceId);
  }
  return refuse(
    run,
    rec,
    `Navigator refused action ${actionId}${oid ? ` on ${oid}` : ''}: ${errorText}`,
    stats,
  );
}
