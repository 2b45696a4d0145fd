/**
 * The OAuth 2.0 client-credentials token endpoint (both documented paths; see the
 * choices in routes.ts). Token requests are never subject to injected faults, but they
 * count against the workload limits (the docs say so) and are metered like API calls.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { params, sendRateLimited, SITE_PREFIX, type SiteLookup } from './api-gate';
import type { TokenPathKind } from './options';
import type { Site } from './site';

function oauthError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .send({ error, error_description: description });
}

function formField(body: unknown, name: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

function issue(
  site: Site,
  contentType: string | undefined,
  body: unknown,
  reply: FastifyReply,
): FastifyReply {
  if (!(contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    return oauthError(
      reply,
      400,
      'invalid_request',
      'the token request must be application/x-www-form-urlencoded',
    );
  }
  if (formField(body, 'grant_type') !== 'client_credentials') {
    return oauthError(reply, 400, 'unsupported_grant_type', 'grant_type must be client_credentials');
  }
  const clientId = formField(body, 'client_id');
  if (!clientId) return oauthError(reply, 400, 'invalid_request', 'client_id is required');
  const result = site.auth.issue(clientId, formField(body, 'client_secret') ?? '');
  if (!result.ok) return oauthError(reply, result.status, result.error, result.message);
  return reply
    .code(200)
    .header('cache-control', 'no-store')
    .send({ access_token: result.accessToken, token_type: 'Bearer', expires_in: result.expiresIn });
}

/** Registers the token endpoint under both paths; each site decides which it serves. */
export function registerTokenRoutes(
  app: FastifyInstance,
  lookup: SiteLookup,
  paths: Record<TokenPathKind, string>,
): void {
  for (const [kind, path] of Object.entries(paths) as [TokenPathKind, string][]) {
    app.post(`${SITE_PREFIX}${path}`, (req, reply) => {
      const site = lookup(params(req).site ?? '');
      if (!site) return reply.code(404).send({ error: 'not_found', message: 'no such site' });
      site.countRequest('token');
      const rejection = site.gate.admit();
      if (rejection) return sendRateLimited(reply, rejection.retryAfterSeconds);
      if (!site.opts.tokenPaths.includes(kind))
        return reply.code(404).send({ error: 'not_found', message: 'not found' });
      return issue(site, req.headers['content-type'], req.body, reply);
    });
  }
}
