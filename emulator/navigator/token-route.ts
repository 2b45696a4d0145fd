/**
 * `POST <base>/token`, form-encoded client credentials → `{access_token, token_type, expires_in}`.
 * Counted and held to the workload limit like any call; faulted only when `failNext` names
 * the token route. Its errors are OAuth-style bodies, never turned into HTTP 200.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from './envelope';
import { dropSocket } from './gate';
import type { Navigator } from './navigator';
import { ERROR_CODES, MESSAGES, TOKEN_PATH } from './paths';

type TokenAnswer = { status: number; body: Record<string, unknown> };

const oauthError = (error: string): TokenAnswer => ({ status: 400, body: { error } });

function formField(body: unknown, name: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

function issue(nav: Navigator, contentType: string | undefined, body: unknown): TokenAnswer {
  if (!(contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded'))
    return oauthError('invalid_request');
  if (formField(body, 'grant_type') !== 'client_credentials') return oauthError('unsupported_grant_type');
  const ttl = nav.faults.tokenTtlSeconds();
  const token = nav.auth.issue(
    formField(body, 'client_id') ?? '',
    formField(body, 'client_secret') ?? '',
    ttl,
  );
  if (token === undefined) return oauthError('invalid_client');
  return { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: ttl } };
}

function gatewayAnswer(
  nav: Navigator,
  reply: FastifyReply,
  err: ApiError,
  retryAfter?: number,
): FastifyReply {
  if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
  return reply.code(err.status).send(err.envelope());
}

export function registerTokenRoute(app: FastifyInstance, nav: Navigator): void {
  app.post(`${nav.opts.basePath}${TOKEN_PATH}`, (req, reply) => {
    nav.counters.call('token');
    const rejection = nav.gate.admit();
    const fault = rejection ? undefined : nav.faults.next('token');
    if (rejection || fault?.kind === '429') {
      nav.counters.add('throttled429');
      const retryAfter = rejection
        ? rejection.retryAfterSeconds
        : fault?.kind === '429'
          ? fault.retryAfterSeconds
          : undefined;
      return gatewayAnswer(
        nav,
        reply,
        new ApiError(429, ERROR_CODES.throttled, MESSAGES.throttled),
        retryAfter,
      );
    }
    if (fault?.kind === '5xx') {
      nav.counters.add('faults5xx');
      return gatewayAnswer(nav, reply, new ApiError(503, 503, MESSAGES.unavailable));
    }
    if (fault?.kind === 'drop') {
      nav.counters.add('drops');
      return dropSocket(req, reply);
    }
    const answer = issue(nav, req.headers['content-type'], req.body);
    if (fault?.kind === 'lostAnswer') {
      nav.counters.add('drops');
      return dropSocket(req, reply);
    }
    return reply.code(answer.status).header('cache-control', 'no-store').send(answer.body);
  });
}
