/**
 * Admin routes (no auth: a loopback test tool) under /admin/sites: create sites, manage
 * App registrations, tracking flags, faults, workload limits, churn, mutations, and read the
 * Security log, stats, traffic and ground truth. Errors: 400 invalid body, 404 unknown
 * site/registration/product, 409 duplicate site. Bodies are JSON.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { params, queryValue, type Query, type SiteLookup } from './api-gate';
import { parseFaultOptions, type SiteOptions } from './options';
import { describeIssues } from './validate';
import { parseWorkloadLimit } from './workload-limit';
import { unit3 } from './prng';
import type { Site } from './site';

type Handler = (
  site: Site,
  p: Record<string, string>,
  body: unknown,
  query: Query,
) => { status: number; body?: unknown };

const registrationBody = z.strictObject({
  name: z.string().optional(),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
  enabled: z.boolean().optional(),
});
const trackingBody = z.strictObject({ track: z.boolean() });
const groupBody = z.strictObject({ group: z.string().min(1) });
const restoreBody = z.strictObject({ deviceIds: z.array(z.string()) });
const reauditBody = z.union([
  z.strictObject({ deviceIds: z.array(z.string()) }),
  z.strictObject({ fraction: z.number().min(0).max(1) }),
]);
const addDevicesBody = z.strictObject({ count: z.number().int().min(0).max(10_000_000) });

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw new HttpError(400, describeIssues(result.error));
  return result.data;
}

function fail(reply: FastifyReply, err: unknown): FastifyReply {
  const status =
    err instanceof HttpError ? err.status : err instanceof Error && /^unknown /.test(err.message) ? 404 : 400;
  const message = err instanceof Error ? err.message : String(err);
  return reply.code(status).send({ error: status === 404 ? 'not_found' : 'invalid_request', message });
}

function listOf(q: Query, name: string): string[] | undefined {
  const raw = queryValue(q, name);
  return raw === undefined ? undefined : raw.split(',').filter((s) => s !== '');
}

/** Reaudits a deterministic share of the live devices; returns how many. */
function reauditFraction(site: Site, fraction: number): number {
  const round = reauditRounds.get(site) ?? 0;
  reauditRounds.set(site, round + 1);
  const chosen: string[] = [];
  for (const i of site.store.live())
    if (unit3(site.inv.seed, i, 0x7e00 + round) < fraction) chosen.push(site.inv.deviceId(i));
  site.reaudit(chosen);
  return chosen.length;
}

function done(action: () => void): { status: number } {
  action();
  return { status: 204 };
}

/** Rounds of fraction reaudits per site, so each round picks a different share. */
const reauditRounds = new WeakMap<Site, number>();

const ROUTES: [method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, handler: Handler][] = [
  [
    'POST',
    '/registrations',
    (s, _p, b) => ({ status: 201, body: s.createRegistration(parse(registrationBody, b)) }),
  ],
  ['GET', '/registrations', (s) => ({ status: 200, body: { items: s.registrations() } })],
  ['POST', '/registrations/:clientId/disable', (s, p) => done(() => s.disableRegistration(p.clientId ?? ''))],
  ['POST', '/registrations/:clientId/enable', (s, p) => done(() => s.enableRegistration(p.clientId ?? ''))],
  ['POST', '/registrations/:clientId/expire', (s, p) => done(() => s.expireRegistration(p.clientId ?? ''))],
  ['DELETE', '/registrations/:clientId', (s, p) => done(() => s.deleteRegistration(p.clientId ?? ''))],
  ['POST', '/revoke-tokens', (s) => done(() => s.revokeTokens())],
  [
    'PUT',
    '/groups/:group/tracking',
    (s, p, b) => done(() => s.setTracking(p.group ?? '', parse(trackingBody, b).track)),
  ],
  [
    'PUT',
    '/products/:productId/group',
    (s, p, b) => done(() => s.setProductGroup(p.productId ?? '', parse(groupBody, b).group)),
  ],
  ['GET', '/security-log', (s) => ({ status: 200, body: { items: s.securityLog() } })],
  ['PUT', '/faults', (s, _p, b) => done(() => s.setFaults(parseFaultOptions(b ?? {})))],
  ['GET', '/stats', (s) => ({ status: 200, body: s.stats() })],
  ['DELETE', '/stats', (s) => done(() => s.resetStats())],
  ['PUT', '/churn', (s, _p, b) => done(() => s.setChurn(b ?? {}))],
  ['GET', '/churn', (s) => ({ status: 200, body: s.churnLog() })],
  ['PUT', '/workload-limit', (s, _p, b) => done(() => s.setWorkloadLimit(parseWorkloadLimit(b ?? {})))],
  ['GET', '/traffic', (s) => ({ status: 200, body: s.traffic() })],
  ['DELETE', '/traffic', (s) => done(() => s.resetTraffic())],
  [
    'POST',
    '/devices',
    (s, _p, b) => ({ status: 201, body: { deviceIds: s.addDevices(parse(addDevicesBody, b).count) } }),
  ],
  [
    'POST',
    '/restore',
    (s, _p, b) => ({
      status: 200,
      body: { restored: s.restoreDevices(parse(restoreBody, b).deviceIds) },
    }),
  ],
  [
    'POST',
    '/reaudit',
    (s, _p, b) => {
      const req = parse(reauditBody, b);
      if ('deviceIds' in req) {
        s.reaudit(req.deviceIds);
        return { status: 200, body: { reaudited: req.deviceIds.length } };
      }
      return { status: 200, body: { reaudited: reauditFraction(s, req.fraction) } };
    },
  ],
  [
    'GET',
    '/ground-truth',
    (s, _p, _b, q) => {
      const opts = {
        platforms: listOf(q, 'platforms'),
        trackedGroups: listOf(q, 'trackedGroups'),
        types: listOf(q, 'types'),
      };
      return { status: 200, body: s.groundTruth(opts) };
    },
  ],
];

/** Registers the admin routes; `addSite` creates a site (throws on invalid options or a duplicate). */
export function registerAdminRoutes(
  app: FastifyInstance,
  lookup: SiteLookup,
  addSite: (o: SiteOptions) => { url: string },
): void {
  app.post('/admin/sites', (req, reply) => {
    const body = (req.body ?? {}) as SiteOptions;
    if (typeof body.name === 'string' && lookup(body.name))
      return fail(reply, new HttpError(409, `site ${body.name} already exists`));
    try {
      const site = addSite(body);
      return reply.code(201).send({ name: body.name, url: site.url });
    } catch (err) {
      return fail(reply, err);
    }
  });
  for (const [method, path, handler] of ROUTES) {
    app.route({
      method,
      url: `/admin/sites/:site${path}`,
      handler: (req: FastifyRequest, reply) => {
        const p = params(req);
        const site = lookup(p.site ?? '');
        if (!site) return fail(reply, new HttpError(404, `unknown site ${p.site}`));
        try {
          const result = handler(site, p, req.body, req.query as Query);
          return reply.code(result.status).send(result.body);
        } catch (err) {
          return fail(reply, err);
        }
      },
    });
  }
}
