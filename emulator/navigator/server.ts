/**
 * startNavigatorEmulator: one fastify server (plain HTTP, loopback by default) serving one
 * emulated Alloy Navigator Express API under its base path, plus the admin routes.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { registerAdminRoutes } from './admin-routes';
import type { NavigatorCounters } from './counters';
import { ApiError, badRequest } from './envelope';
import { gateway, sendError } from './gate';
import { Navigator } from './navigator';
import { parseFaults, type NavigatorEmulatorOptions, type NavigatorFaults } from './options';
import { ADMIN_PREFIX, ERROR_CODES, MESSAGES } from './paths';
import { registerApiRoutes } from './routes';
import type { NavigatorStore } from './store';
import { registerTokenRoute } from './token-route';

export interface NavigatorEmulator {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** The API's URL (with its base path, no version), what a client is configured with. */
  readonly apiUrl: string;
  readonly port: number;
  /** The first application: the one given in the options, or one generated on start. */
  readonly registration: { clientId: string; secret: string };
  /** Direct access for tests (seeding 100,000 records without 100,000 calls). */
  readonly store: NavigatorStore;
  readonly navigator: Navigator;
  setFaults(faults: NavigatorFaults): void;
  counters(): NavigatorCounters;
  resetCounters(): void;
  /** A new application (ID and secret generated unless given). */
  addRegistration(opts?: { clientId?: string; secret?: string; name?: string }): {
    clientId: string;
    secret: string;
  };
  close(): Promise<void>;
}

function configure(app: FastifyInstance, nav: Navigator): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (req.url.startsWith(ADMIN_PREFIX))
      return reply
        .code(status)
        .send({ error: status < 500 ? 'invalid_request' : 'internal_error', message: err.message });
    const answer =
      status < 500 ? badRequest(MESSAGES.badRequest(err.message)) : new ApiError(500, 500, MESSAGES.internal);
    if (status < 500) nav.counters.add('refused');
    return sendError(nav, reply, answer);
  });
  app.setNotFoundHandler(async (req, reply) => {
    if (req.url.startsWith(ADMIN_PREFIX))
      return reply.code(404).send({ error: 'not_found', message: 'not found' });
    const fault = await gateway(nav, 'other', req, reply);
    if (!fault) return reply;
    nav.counters.add('refused');
    return sendError(nav, reply, new ApiError(404, ERROR_CODES.notFound, MESSAGES.routeNotFound));
  });
}

/** Starts the emulator; port 0 (the default) picks a free port. Throws on invalid options. */
export async function startNavigatorEmulator(
  opts: NavigatorEmulatorOptions = {},
): Promise<NavigatorEmulator> {
  const nav = new Navigator(opts);
  const registration = nav.opts.registrations[0] ?? nav.auth.register({ name: 'alloyscan-sync' });
  const app = Fastify({
    logger: false,
    forceCloseConnections: true,
    bodyLimit: 4 * 1024 * 1024,
    routerOptions: { caseSensitive: false },
  });
  configure(app, nav);
  registerTokenRoute(app, nav);
  registerApiRoutes(app, nav);
  registerAdminRoutes(app, nav);
  await app.listen({ port: nav.opts.port, host: nav.opts.host });
  const address = app.server.address();
  if (address === null || typeof address === 'string')
    throw new Error('navigator emulator: no TCP address after listen');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  return {
    url,
    apiUrl: `${url}${nav.opts.basePath}`,
    port: address.port,
    registration: { clientId: registration.clientId, secret: registration.secret },
    store: nav.store,
    navigator: nav,
    setFaults: (f) => nav.setFaults(parseFaults(f)),
    counters: () => nav.counterSnapshot(),
    resetCounters: () => nav.resetCounters(),
    addRegistration: (o) => {
      const r = nav.auth.register(o);
      return { clientId: r.clientId, secret: r.secret };
    },
    close: () => app.close(),
  };
}
