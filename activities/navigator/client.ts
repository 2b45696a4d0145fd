/**
 * The Alloy Navigator Express API client (client-types.ts): listings, objects, creates, step
 * actions, checks and dictionaries over session.ts. Reads throw a NavigatorError on any
 * failure; writes return a WriteOutcome for anything about the record itself ('refused'), or
 * for an answer that never came ('unknown': the caller looks before creating again), and throw
 * only for what is not the record's doing (setup, credentials, throttling, server trouble).
 * A read that meets server trouble (5xx, a dropped connection, a timeout) is sent again up to
 * twice after a short pause: reads are idempotent, and one failed read would otherwise fail a
 * whole push step (Temporal's retry, whose backoff grows with every failure of the step). Writes
 * are never sent again here; anything longer is Temporal's retry.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { FailureType } from '../../common/failure-types';
import { mayHaveArrived, networkFailure, noAnswerReason, type Verdict } from './classify';
import type {
  ListParams,
  NavigatorClient,
  NavigatorClientOptions,
  NavigatorRow,
  WriteOutcome,
} from './client-types';
import { NavigatorError } from './errors';
import { objectOf, parseBody, rowsOf } from './rows';
import {
  FIELDS,
  PATHS,
  checkAnswerSchema,
  createBody,
  listBody,
  normaliseValue,
  writeAnswerSchema,
} from './schema';
import { type NavRequest, createSession } from './session';

const MISSING = Symbol('not found');
/** Pauses before a read that met server trouble is sent again (two more tries). */
const READ_RETRY_PAUSES_MS = [250, 1000];

/** Creates a client for one Navigator's application account (the secret is the resolved value). */
export function createNavigatorClient(opts: NavigatorClientOptions): NavigatorClient {
  const session = createSession(opts);
  const { settings: s, counters } = session;
  const where = (req: NavRequest) => ({ navigatorId: s.navigatorId, method: req.method, path: req.path });

  function refusedRead(v: Verdict & { kind: 'refused' | 'missing' }, req: NavRequest): NavigatorError {
    const status = v.kind === 'refused' ? v.status : undefined;
    return new NavigatorError(
      FailureType.ClientError,
      `Navigator ${s.navigatorId} ${req.method} ${req.path} was refused${status ? ` (HTTP ${status})` : ''}: ${v.errorText}`,
      { ...where(req), status, errorCode: v.kind === 'refused' ? v.errorCode : undefined },
    );
  }

  /** The body of a successful read; MISSING on "Object … not found." when allowed. */
  async function read(req: NavRequest, allowMissing = false): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await readOnce(req, allowMissing);
      } catch (err) {
        const transient = err instanceof NavigatorError && err.type === FailureType.Transient;
        if (!transient || attempt >= READ_RETRY_PAUSES_MS.length) throw err;
        await sleep(READ_RETRY_PAUSES_MS[attempt]);
      }
    }
  }

  async function readOnce(req: NavRequest, allowMissing: boolean): Promise<unknown> {
    const r = await session.authorised(req);
    if ('noAnswer' in r) throw networkFailure(r.noAnswer, session.ctx(req), s.timeoutMs);
    const v = r.verdict;
    if (v.kind === 'ok') return v.body;
    if (v.kind === 'failed') throw v.error;
    if (v.kind === 'missing' && allowMissing) return MISSING;
    if (v.kind === 'denied') throw new Error('unreachable: a denied answer is retried by the session');
    throw refusedRead(v, req);
  }

  async function write(req: NavRequest): Promise<WriteOutcome> {
    const r = await session.authorised(req);
    if ('noAnswer' in r) {
      if (!mayHaveArrived(r.noAnswer)) throw networkFailure(r.noAnswer, session.ctx(req), s.timeoutMs);
      return unknown(req, `no answer: ${noAnswerReason(r.noAnswer, s.timeoutMs)}`);
    }
    const v = r.verdict;
    if (v.kind === 'failed') throw v.error;
    if (v.kind === 'missing') return { outcome: 'refused', errorText: v.errorText, status: 404 };
    if (v.kind === 'refused')
      return { outcome: 'refused', errorText: v.errorText, errorCode: v.errorCode, status: v.status };
    if (v.kind === 'denied') throw new Error('unreachable: a denied answer is retried by the session');
    const body = writeAnswerSchema.safeParse(v.body);
    if (!body.success) return unknown(req, 'the answer could not be read as a write result');
    if (!body.data.Succeed)
      return { outcome: 'refused', errorText: v.errorText || 'Succeed: false without errorText' };
    const objectId = normaliseValue(body.data.ObjectID);
    const objectOid = body.data.ObjectOID;
    if (!objectId || !objectOid) return unknown(req, 'Succeed: true without ObjectID and ObjectOID');
    return { outcome: 'done', objectId, objectOid };
  }

  function unknown(req: NavRequest, reason: string): WriteOutcome {
    session.log?.warn('Navigator write outcome unknown', {
      navigator: s.navigatorId,
      path: req.path,
      reason,
    });
    return { outcome: 'unknown', reason: `${req.method} ${req.path}: ${reason}` };
  }

  async function listPage(p: ListParams & { offset: number; limit: number }): Promise<NavigatorRow[]> {
    if (!p.className.trim() || p.fields.length === 0)
      throw new NavigatorError(
        FailureType.BadConfig,
        `a Navigator ${s.navigatorId} listing needs a class name and at least one field (${p.setting ?? 'no setting named'})`,
        { navigatorId: s.navigatorId },
      );
    const req: NavRequest = {
      method: 'POST',
      path: PATHS.list(p.className),
      kind: 'read',
      data: listBody(p),
      setting: p.setting,
    };
    return rowsOf(await read(req), where(req));
  }

  async function* listAll(p: ListParams): AsyncIterable<NavigatorRow[]> {
    let previousFirst: string | null | undefined;
    for (let offset = 0; ;) {
      const rows = await listPage({ ...p, offset, limit: s.pageSize });
      if (rows.length === 0) return;
      const first = rows[0]?.[FIELDS.id];
      if (offset > 0 && first !== undefined && first === previousFirst)
        throw new NavigatorError(
          FailureType.SchemaMismatch,
          `Navigator ${s.navigatorId} answered the same page at offset ${offset} as before: it ignores the listing's offset`,
          { navigatorId: s.navigatorId, path: PATHS.list(p.className) },
        );
      previousFirst = first;
      yield rows;
      offset += rows.length;
    }
  }

  return {
    authenticate: async () => void (await session.token()),
    listPage,
    listAll,
    getObject: async (oid) => {
      const req: NavRequest = { method: 'GET', path: PATHS.object(oid), kind: 'read' };
      const body = await read(req, true);
      return body === MISSING ? undefined : objectOf(body, where(req));
    },
    create: (actionId, fields, o = {}) =>
      write({ method: 'POST', path: PATHS.create, kind: 'write', data: createBody(actionId, fields), ...o }),
    stepAction: (oid, actionId, fields, o = {}) =>
      write({ method: 'POST', path: PATHS.action(oid, actionId), kind: 'write', data: fields, ...o }),
    checkAction: async (oid, actionId, o = {}) => {
      const req: NavRequest = { method: 'GET', path: PATHS.check(oid, actionId), kind: 'read', ...o };
      const body = await read(req, true);
      return body !== MISSING && parseBody(checkAnswerSchema, body, where(req), 'check answer').Result;
    },
    dictionary: async (className, field, o = {}) => {
      const req: NavRequest = { method: 'GET', path: PATHS.dictionary(className, field), kind: 'read', ...o };
      const rows = rowsOf(await read(req), where(req));
      return rows.map((r) => r[FIELDS.dictionaryName]).filter((n): n is string => typeof n === 'string');
    },
    get apiCalls() {
      return counters.apiCalls;
    },
    get writeCalls() {
      return counters.writeCalls;
    },
    get throttled() {
      return counters.throttled;
    },
    get tokenRequests() {
      return counters.tokenRequests;
    },
  };
}
