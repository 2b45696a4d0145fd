/**
 * The Navigator destination's steps of a run (jobs with `navigator` only): `prepareNavigator`
 * before the pass (the mirror of Navigator's records, retirements read back), `pushNavigator`
 * after the retire step (every state record whose Navigator side is missing or stale, missing
 * flags included), and `verifyNavigator` (what the run did, counted from the links, and
 * Navigator listed against them). The page step pushes its own devices as it goes
 * (`pushPageDevices`); the push step catches whatever a killed attempt left.
 */
import type { NavigatorReport, SyncJobConfig } from '../common/sync-types';
import type { ActivityDeps } from './deps';
import { navigatorTarget } from './destination/destination';
import { refreshMirror, type MirrorResult } from './destination/navigator/mirror';
import { pushRecords, type NavigatorTarget } from './destination/navigator/push';
import { verifyNavigator } from './destination/navigator/verify';
import { Heartbeats } from './heartbeats';
import { asActivity } from './run-helpers';

export interface NavigatorStepInput {
  job: SyncJobConfig;
  runId: string;
  dryRun: boolean;
}

const PUSH_CHUNK = 200;

function target(deps: ActivityDeps, job: SyncJobConfig): NavigatorTarget {
  const t = navigatorTarget(deps, job);
  if (!t) throw new Error(`job ${job.id} writes into no Navigator`);
  return t;
}

/** Push the state records of these devices (a page's), or every stale one. */
export async function pushStale(
  deps: ActivityDeps,
  input: NavigatorStepInput,
  sourceIds: string[] | undefined,
  moved: () => void,
): Promise<void> {
  const t = target(deps, input.job);
  const ctx = { store: deps.store, target: t, jobId: input.job.id, runId: input.runId };
  let after: { kind: 'computer' | 'hardware'; sourceId: string } | undefined;
  for (;;) {
    const records = await deps.store.navigator.recordsToPush(input.job.id, input.runId, {
      ...(sourceIds && { sourceIds }),
      ...(after && { after }),
      limit: PUSH_CHUNK,
    });
    if (records.length === 0) return;
    await pushRecords(ctx, records);
    const last = records.at(-1)!;
    after = { kind: last.kind, sourceId: last.sourceId };
    moved();
    if (records.length < PUSH_CHUNK) return;
  }
}

export function createNavigatorSteps(deps: ActivityDeps) {
  /** List Navigator's records into the run's mirror and read back the retirements made there. */
  async function prepareNavigator(input: NavigatorStepInput): Promise<MirrorResult> {
    return asActivity(async () => {
      const beats = new Heartbeats<{ pages: number }>();
      const cursor = { pages: 0 };
      beats.track(cursor);
      try {
        return await refreshMirror(deps.store, target(deps, input.job), input.job.id, () => {
          cursor.pages++;
          beats.moved();
        });
      } finally {
        beats.stop();
      }
    });
  }

  /** Create, adopt, update and flag in Navigator every state record whose Navigator side is stale. */
  async function pushNavigator(input: NavigatorStepInput): Promise<void> {
    return asActivity(async () => {
      if (input.dryRun) return;
      const beats = new Heartbeats<{ chunks: number }>();
      const cursor = { chunks: 0 };
      beats.track(cursor);
      try {
        await pushStale(deps, input, undefined, () => {
          cursor.chunks++;
          beats.moved();
        });
      } finally {
        beats.stop();
      }
    });
  }

  /** What the run did in Navigator (from the links) and Navigator listed against the links. */
  async function verifyNavigatorStep(input: NavigatorStepInput): Promise<NavigatorReport> {
    return asActivity(async () => {
      const { job, runId } = input;
      const t = target(deps, job);
      const tally = await deps.store.navigator.linkTally(job.id, runId);
      const expected = (tally.linked.computer ?? 0) + (tally.linked.hardware ?? 0);
      const beats = new Heartbeats<{ pages: number }>();
      const cursor = { pages: 0 };
      beats.track(cursor);
      try {
        const verify = await verifyNavigator(deps.store, t, job.id, expected, () => {
          cursor.pages++;
          beats.moved();
        });
        const counts = await deps.store.counts(job.id);
        // Every live device has its record, but for those Navigator refused or found ambiguous this run.
        const unlinked = await deps.store.navigator.countUnlinked(job.id);
        const excused = tally.stats.refused + tally.stats.ambiguous;
        const adopted = Object.values(tally.adopted).reduce((a, b) => a + b, 0);
        return {
          navigator: t.config.id,
          created: tally.created,
          adopted: tally.adopted,
          updated: tally.updated,
          unchanged: Math.max(0, expected - tally.created - adopted - tally.updated),
          markedMissing: tally.markedMissing,
          unflagged: tally.unflagged,
          recreated: tally.recreated,
          linked: { computers: tally.linked.computer ?? 0, inventoryItems: tally.linked.hardware ?? 0 },
          apiCalls: tally.stats.apiCalls + verify.apiCalls,
          writeCalls: tally.stats.writeCalls,
          throttled: tally.stats.throttled,
          lostAnswers: tally.stats.unknownOutcomes,
          refused: tally.stats.refused,
          ambiguous: tally.stats.ambiguous,
          installationsNotWritten: counts.installations,
          installationsReason: t.config.classes.softwareInstallation
            ? 'writing installations into the configured installation class is not built yet: kept in the sync store'
            : 'the Navigator has no installation class configured: kept in the sync store',
          verify: {
            expected: verify.expected,
            found: verify.found,
            duplicates: verify.duplicates,
            unlinked,
            ok: verify.ok && unlinked <= excused,
          },
        };
      } finally {
        beats.stop();
      }
    });
  }

  return { prepareNavigator, pushNavigator, verifyNavigator: verifyNavigatorStep };
}
