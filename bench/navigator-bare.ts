/**
 * Row (g) of the bench: the creates a Navigator import sent, sent again bare (plain
 * keep-alive HTTP, JSON.parse only) to a fresh Navigator emulator process.
 */
import http from 'node:http';
import { mapLimit } from '../activities/run-helpers';
import type { NavigatorCounters } from '../emulator/navigator/counters';
import { startNavigatorEmulatorProcess } from '../test/helpers/processes';

/** (g) The bodies POSTed bare (keep-alive, `concurrency` in flight) to a fresh emulator, token included. */
export async function bareCreates(bodies: string[], o: { writeLatencyMs: number; concurrency: number }) {
  const nav = await startNavigatorEmulatorProcess(['--write-latency-ms', String(o.writeLatencyMs)]);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const api = new URL(nav.apiUrl);
  const post = (path: string, type: string, body: string, token?: string) =>
    new Promise<Record<string, unknown>>((res, rej) => {
      const headers: Record<string, string> = { 'content-type': type, accept: 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      const req = http.request(
        {
          host: api.hostname,
          port: api.port,
          path: `${api.pathname}${path}`,
          method: 'POST',
          agent,
          headers,
        },
        (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () =>
            res(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>),
          );
          r.on('error', rej);
        },
      );
      req.on('error', rej);
      req.end(body);
    });
  try {
    const t0 = performance.now();
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: nav.clientId,
      client_secret: nav.secret,
    });
    const token = (await post('/token', 'application/x-www-form-urlencoded', form.toString()))
      .access_token as string;
    await mapLimit(bodies, o.concurrency, async (body) => {
      const answer = await post('/v2', 'application/json', body, token);
      if (answer.success !== true) throw new Error(`bare create refused: ${JSON.stringify(answer)}`);
    });
    const seconds = (performance.now() - t0) / 1000;
    const c = await nav.admin<NavigatorCounters>('GET', '/admin/counters');
    return { seconds, creates: c.create };
  } finally {
    agent.destroy();
    await nav.stop();
  }
}
