/**
 * The pipeline every /api/v1 request of a site goes through: site lookup → request
 * counter → workload limit and traffic meter → injected fault (delay, drop, 429, 5xx) →
 * bearer check → handler. The limit and the faults come before the bearer check, as a
 * gateway in front of the site would answer them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RequestFault } from './faults';
import type { Site } from './site';

export type Query = Record<string, string | string[] | undefined>;

export interface ApiResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type ApiHandler = (site: Site, params: Record<string, string>, query: Query) => ApiResult;

export type SiteLookup = (name: string) => Site | undefined;

/** A client error raised while reading the query: answered as 400 invalid_request. */
export class BadRequest extends Error {}

export const SITE_PREFIX = '/sites/:site';

export function params(req: FastifyRequest): Record<string, string> {
  return req.params as Record<string, string>;
}

export function errorBody(error: string, message: string): { error: string; message: string } {
  return { error, message };
}

function drop(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.hijack();
  req.raw.socket.destroy();
  return reply;
}

/** The documented 429 answer, for the workload limit and for an injected 429 alike. */
export function sendRateLimited(reply: FastifyReply, retryAfterSeconds: number | undefined): FastifyReply {
  if (retryAfterSeconds !== undefined) void reply.header('retry-after', String(retryAfterSeconds));
  return reply.code(429).send(errorBody('rate_limited', 'API workload limit exceeded'));
}

/** Sends the response of a 429/5xx fault; true when it answered the request. */
function answerFault(fault: RequestFault, reply: FastifyReply): boolean {
  if (fault.kind === '429') {
    void sendRateLimited(reply, fault.retryAfterSeconds);
    return true;
  }
  if (fault.kind === '5xx') {
    const body =
      fault.status === 500
        ? errorBody('internal_error', 'An unexpected error occurred')
        : errorBody('service_unavailable', 'The service is temporarily unavailable');
    void reply.code(fault.status).send(body);
    return true;
  }
  return false;
}

function runHandler(site: Site, handler: ApiHandler, req: FastifyRequest): ApiResult {
  const denied = site.auth.check(req.headers.authorization);
  if (denied) {
    const headers =
      denied.status === 401 ? { 'www-authenticate': `Bearer error="${denied.error}"` } : undefined;
    return { status: denied.status, body: errorBody(denied.error, denied.message), headers };
  }
  try {
    return handler(site, params(req), req.query as Query);
  } catch (err) {
    if (err instanceof BadRequest) return { status: 400, body: errorBody('invalid_request', err.message) };
    throw err;
  }
}

/**
 * Registers one authenticated API route of every site. A dropped request loses its
 * connection either before the handler runs or after it (the work is done, the answer
 * lost: what makes retried DELETEs meet a 404).
 */
export function apiRoute(
  app: FastifyInstance,
  lookup: SiteLookup,
  method: 'GET' | 'DELETE',
  path: string,
  route: string,
  handler: ApiHandler,
): void {
  app.route({
    method,
    url: `${SITE_PREFIX}${path}`,
    handler: async (req, reply) => {
      const site = lookup(params(req).site ?? '');
      if (!site) return reply.code(404).send(errorBody('not_found', 'no such site'));
      site.countRequest(route);
      // Rejected before drawing a fault, so a limit leaves the fault sequence of admitted requests intact.
      const rejection = site.gate.admit();
      if (rejection) return sendRateLimited(reply, rejection.retryAfterSeconds);
      const fault = site.faults.next();
      if (fault.delayMs > 0) await sleep(fault.delayMs);
      if (fault.kind === 'drop' && !fault.afterHandler) return drop(req, reply);
      if (answerFault(fault, reply)) return reply;
      const result = runHandler(site, handler, req);
      if (fault.kind === 'drop') return drop(req, reply);
      if (result.headers) void reply.headers(result.headers);
      return reply.code(result.status).send(result.body);
    },
  });
}

/** The single value of a query parameter (the last one when repeated). */
export function queryValue(q: Query, name: string): string | undefined {
  const v = q[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** An integer query parameter with a default and a minimum; 400 when not an integer. */
export function intParam(q: Query, name: string, fallback: number, min: number): number {
  const raw = queryValue(q, name);
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new BadRequest(`${name} must be an integer >= ${min}`);
  return n;
}
