/**
 * The push's building blocks that talk to Navigator one call at a time: step actions resent
 * while their answer is lost, quarantining a device Navigator refused, the call counters, and
 * the settings an action or Template comes from.
 */
import type { NavigatorKind, QuarantinedRecord } from '../../../common/domain';
import { FailureType } from '../../../common/failure-types';
import type { NavigatorConfig } from '../../../common/sync-types';
import type { NavigatorClient, WriteOutcome } from '../../navigator/client-types';
import { NavigatorError } from '../../navigator/errors';
import type { PushRecord, RunNavigatorStats, SyncStore } from '../../store/store-types';
import type { LinkWriter } from './link-writer';

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

/** A push in progress: its link writer, and the devices it already created again. */
export interface PushRun extends PushContext {
  writes: LinkWriter;
  recreated: Set<string>;
}

export const LOST_ANSWER_TRIES = 3;

export function className(cfg: NavigatorConfig, kind: NavigatorKind): string {
  return kind === 'computer' ? cfg.classes.computer : cfg.classes.inventoryItem;
}

export function updateAction(cfg: NavigatorConfig, kind: NavigatorKind): { id: string; setting: string } {
  return kind === 'computer'
    ? { id: cfg.actions.updateComputer, setting: `navigators.${cfg.id}.actions.updateComputer` }
    : { id: cfg.actions.updateInventoryItem, setting: `navigators.${cfg.id}.actions.updateInventoryItem` };
}

export function templateOf(cfg: NavigatorConfig, kind: NavigatorKind): { id: string; setting: string } {
  return kind === 'computer'
    ? { id: cfg.templates.computer, setting: `navigators.${cfg.id}.templates.computer` }
    : { id: cfg.templates.inventoryItem, setting: `navigators.${cfg.id}.templates.inventoryItem` };
}

/** The markMissing action of the kind, if configured. */
export function markMissingAction(cfg: NavigatorConfig, kind: NavigatorKind): string | undefined {
  const m = cfg.actions.markMissing;
  return kind === 'computer' ? m?.computer : m?.inventoryItem;
}

/**
 * The clearMissing action of the kind, when the markMissing one is configured too: the sync
 * takes off only a flag it can have set (a record a user marked otherwise keeps its status).
 */
export function clearMissingAction(cfg: NavigatorConfig, kind: NavigatorKind): string | undefined {
  const c = cfg.actions.clearMissing;
  const id = kind === 'computer' ? c?.computer : c?.inventoryItem;
  return markMissingAction(cfg, kind) === undefined ? undefined : id;
}

/**
 * A write whose call failed for server trouble (5xx, a connection dropped before it was sent):
 * Navigator may or may not hold it, so it counts as an unknown outcome — a create is looked for
 * before it is sent again, a step action is sent again — within the same step, instead of
 * failing the whole step for one call. Anything else it throws is thrown on.
 */
export async function sendWrite(call: () => Promise<WriteOutcome>): Promise<WriteOutcome> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof NavigatorError && err.type === FailureType.Transient)
      return { outcome: 'unknown', reason: err.message };
    throw err;
  }
}

/** A step action sets absolute values: resending one whose answer was lost is harmless. */
export async function stepWithRetry(
  ctx: PushContext,
  oid: string,
  actionId: string,
  fields: Record<string, string>,
  stats: Partial<RunNavigatorStats>,
): Promise<Exclude<WriteOutcome, { outcome: 'unknown' }>> {
  for (let i = 0; i < LOST_ANSWER_TRIES; i++) {
    count(stats, true);
    const out = await sendWrite(() => ctx.target.client.stepAction(oid, actionId, fields));
    if (out.outcome !== 'unknown') return out;
    stats.unknownOutcomes = (stats.unknownOutcomes ?? 0) + 1;
  }
  throw lostTooOften(`step action ${actionId} on ${oid}`);
}

/** Quarantine the device with the reason; it is tried again in the next run. */
export async function refuse(
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
