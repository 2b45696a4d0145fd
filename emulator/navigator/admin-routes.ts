/**
 * Admin routes (no auth: a loopback test tool) under /admin: the ground truth, records made,
 * edited and retired as a Navigator user would (or deleted from the database, which no user
 * action does), counters, faults and applications. Errors:
 * 400 `{error:'invalid_request', message}`, 404 `{error:'not_found', message}`.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { describeIssues } from '../validate';
import type { ClassDef } from './classes';
import { ApiError } from './envelope';
import { checkFields, withDefaults } from './field-input';
import type { Navigator } from './navigator';
import { parseFaults } from './options';
import { ADMIN_PREFIX, STATUS, TEMPLATE_RULES } from './paths';
import type { ClassStore } from './store';
import type { NavRecord } from './values';

class AdminError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

const createBody = z.strictObject({
  class: z.string().min(1),
  fields: z.record(z.string(), z.unknown()).default({}),
});
const fieldsBody = z.record(z.string(), z.unknown());
const registrationBody = z.strictObject({
  clientId: z.string().min(1).optional(),
  secret: z.string().min(8).optional(),
  name: z.string().min(1).optional(),
});

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw new AdminError(400, describeIssues(result.error));
  return result.data;
}

function classOf(nav: Navigator, name: string | undefined): ClassStore {
  const store = nav.store.byName(name ?? '');
  if (!store) throw new AdminError(404, `unknown class ${name ?? '(none)'}`);
  return store;
}

function recordOf(nav: Navigator, key: string): { store: ClassStore; record: NavRecord } {
  for (const def of nav.classes.all) {
    const store = nav.store.of(def.kind);
    const record = store?.get(key);
    if (store && record) return { store, record };
  }
  throw new AdminError(404, `unknown record ${key}`);
}

/** Checked fields as a user types them: any writable field, classification values checked. */
function userFields(nav: Navigator, def: ClassDef, input: Record<string, unknown>): NavRecord {
  try {
    return checkFields(nav.actionContext, def, input);
  } catch (err) {
    if (err instanceof ApiError) throw new AdminError(400, err.message);
    throw err;
  }
}

const now = (): string => new Date().toISOString();

type Route = [
  method: 'GET' | 'POST',
  path: string,
  handler: (nav: Navigator, p: Record<string, string>, body: unknown, q: Record<string, string>) => unknown,
];

const ROUTES: Route[] = [
  [
    'GET',
    '/records',
    (nav, _p, _b, q) => ({
      class: classOf(nav, q.class).def.urlName,
      records: [...classOf(nav, q.class).all()],
    }),
  ],
  [
    'POST',
    '/records',
    (nav, _p, b) => {
      const req = parse(createBody, b);
      const store = classOf(nav, req.class);
      const defaults = TEMPLATE_RULES[store.def.kind]?.defaults ?? {};
      const record = store.insert(withDefaults(userFields(nav, store.def, req.fields), defaults), now());
      return { oid: record.OID ?? null, id: record.ID };
    },
  ],
  [
    'POST',
    '/records/:key/retire',
    (nav, p) => {
      const { store, record } = recordOf(nav, p.key ?? '');
      if (!store.def.field('Status'))
        throw new AdminError(400, `${store.def.urlName} records cannot be retired`);
      store.update(record, { Status: STATUS.retired }, now());
      return record;
    },
  ],
  [
    'POST',
    '/records/:key/delete',
    (nav, p) => {
      const { store, record } = recordOf(nav, p.key ?? '');
      store.delete(record);
      return { deleted: record.OID ?? record.ID };
    },
  ],
  [
    'POST',
    '/records/:key/fields',
    (nav, p, b) => {
      const { store, record } = recordOf(nav, p.key ?? '');
      store.update(record, userFields(nav, store.def, parse(fieldsBody, b)), now());
      return record;
    },
  ],
  ['GET', '/counters', (nav) => nav.counterSnapshot()],
  ['POST', '/reset-counters', (nav) => void nav.resetCounters()],
  ['GET', '/faults', (nav) => nav.faults.current()],
  ['POST', '/faults', (nav, _p, b) => void nav.setFaults(parseFaults(b ?? {}))],
  ['GET', '/registrations', (nav) => ({ items: nav.auth.applications() })],
  ['POST', '/registrations', (nav, _p, b) => nav.auth.register(parse(registrationBody, b))],
];

function fail(reply: FastifyReply, err: unknown): FastifyReply {
  const status = err instanceof AdminError ? err.status : 400;
  const message = err instanceof Error ? err.message : String(err);
  return reply.code(status).send({ error: status === 404 ? 'not_found' : 'invalid_request', message });
}

export function registerAdminRoutes(app: FastifyInstance, nav: Navigator): void {
  for (const [method, path, handler] of ROUTES) {
    app.route({
      method,
      url: `${ADMIN_PREFIX}${path}`,
      handler: (req, reply) => {
        try {
          const body = handler(
            nav,
            req.params as Record<string, string>,
            req.body,
            req.query as Record<string, string>,
          );
          return body === undefined
            ? reply.code(204).send()
            : reply.code(method === 'POST' && path === '/records' ? 201 : 200).send(body);
        } catch (err) {
          return fail(reply, err);
        }
      },
    });
  }
}
