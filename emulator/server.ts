/**
 * startEmulator: one fastify server (plain HTTP, loopback by default) serving any number
 * of sites under /sites/{name}, plus the unauthenticated admin routes under /admin/sites.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { registerAdminRoutes } from './admin-routes';
import { PATHS, registerSiteRoutes } from './routes';
import { Site } from './site';
import type { EmulatedSite, Emulator, SiteOptions } from './types';

function configureParsing(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  // Any other content type reaches the handler as a string, which then answers 400 itself.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    const error = status < 500 ? 'invalid_request' : 'internal_error';
    const message = status < 500 ? err.message : 'An unexpected error occurred';
    const isToken = [PATHS.tokenCurrent, PATHS.tokenLegacy].some((p) => req.url.split('?')[0]?.endsWith(p));
    void reply.code(status).send(isToken ? { error, error_description: message } : { error, message });
  });
  app.setNotFoundHandler((_req, reply) => {
    void reply.code(404).send({ error: 'not_found', message: 'not found' });
  });
}

class EmulatorServer implements Emulator {
  private readonly sites = new Map<string, Site>();
  private url: string | undefined;

  constructor(private readonly app: FastifyInstance) {
    registerSiteRoutes(app, this.lookup);
    registerAdminRoutes(app, this.lookup, (o) => this.addSite(o));
  }

  get baseUrl(): string {
    if (this.url === undefined) throw new Error('emulator not listening');
    return this.url;
  }

  lookup = (name: string): Site | undefined => this.sites.get(name);

  async listen(port: number, host: string): Promise<void> {
    await this.app.listen({ port, host });
    const address = this.app.server.address();
    if (address === null || typeof address === 'string')
      throw new Error('emulator: no TCP address after listen');
    const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.url = `http://${urlHost}:${address.port}`;
  }

  addSite(opts: SiteOptions): EmulatedSite {
    if (this.sites.has(opts.name)) throw new Error(`site ${opts.name} already exists`);
    const site = new Site(opts, this.baseUrl);
    this.sites.set(site.name, site);
    return site;
  }

  site(name: string): EmulatedSite {
    const site = this.sites.get(name);
    if (!site) throw new Error(`unknown site ${name}`);
    return site;
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}

/** Starts the emulator; port 0 (the default) picks a free port. */
export async function startEmulator(opts: { port?: number; host?: string } = {}): Promise<Emulator> {
  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 1024 * 1024 });
  configureParsing(app);
  const emulator = new EmulatorServer(app);
  await emulator.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
  return emulator;
}
