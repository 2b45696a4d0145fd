/**
 * The two floors a sync cannot beat, measured on the same site and rows:
 * (a) raw fetch: the calls an import makes (token, software groups, catalog pages, device
 *     pages, then each device's detail and snapshot), at the same concurrency, on a bare
 *     keep-alive agent, JSON.parse only; and the same calls through the project's client
 *     (axios, schemas, rate budget) to show what a call costs us;
 * (a_list) the calls of a no-change rerun (the listings only), bare in the same way;
 * (b) raw load: the project's applyDevicePage of the same rows, 500 devices per transaction.
 */
import http from 'node:http';
import { createAlloyScanClient } from '../activities/alloyscan';
import { toUpsert } from '../activities/build-upserts';
import { filterInstallations } from '../activities/filter';
import { createSyncStore } from '../activities/store';
import { mapLimit } from '../activities/run-helpers';
import type { DeviceUpsert, SourceDeviceDetail, SourceSnapshot } from '../common/domain';

export interface Site {
  siteUrl: string;
  clientId: string;
  clientSecret: string;
}

type Json = Record<string, unknown>;

/** A bare keep-alive requester for `site`: JSON.parse only; counts its calls. */
function bareClient(site: Site, maxSockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const base = new URL(site.siteUrl);
  const state = { calls: 0, token: '' };
  const request = (method: string, path: string, body?: string): Promise<Json> =>
    new Promise((res, rej) => {
      state.calls++;
      const headers: Record<string, string> = { accept: 'application/json' };
      if (state.token) headers.authorization = `Bearer ${state.token}`;
      if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
      const req = http.request(
        { host: base.hostname, port: base.port, path: `${base.pathname}${path}`, method, agent, headers },
        (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => res(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json));
          r.on('error', rej);
        },
      );
      req.on('error', rej);
      req.end(body);
    });
  /** The calls every run starts with: token, software groups, the catalog; then the device total. */
  const listAll = async (pageSize: number, pagesAtOnce: number) => {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: site.clientId,
      client_secret: site.clientSecret,
    }).toString();
    state.token = (await request('POST', '/api/oauth/token', form)).access_token as string;
    const groups = (await request('GET', '/api/v1/software-groups')).items as Json[];
    const tracked = groups.filter((g) => g.trackInNavigator === true).map((g) => g.name as string);
    const catalog = new Map<string, string>();
    for (let offset = 0, total = 1; offset < total; offset += 500) {
      const page = await request('GET', `/api/v1/software?offset=${offset}&limit=500`);
      for (const p of page.items as Json[])
        catalog.set(p.id as string, (p.softwareGroup as string) ?? 'Regular');
      total = page.total as number;
    }
    const first = await request('GET', '/api/v1/devices?offset=0&limit=1');
    const offsets = [];
    for (let o = 0; o < (first.total as number); o += pageSize) offsets.push(o);
    const ids = (
      await mapLimit(offsets, pagesAtOnce, async (o) => {
        const page = await request('GET', `/api/v1/devices?offset=${o}&limit=${pageSize}`);
        return (page.items as Json[]).map((d) => d.id as string);
      })
    ).flat();
    return { ids, tracked, catalog };
  };
  return { request, listAll, state, close: () => agent.destroy() };
}

/** (a) Every call of a full import on a bare keep-alive agent; returns seconds and calls. */
export async function rawFetch(site: Site, concurrency: number, pageSize: number) {
  const bare = bareClient(site, concurrency);
  const t0 = performance.now();
  const { ids, tracked, catalog } = await bare.listAll(pageSize, Math.max(1, concurrency / 8));
  await mapLimit(ids, concurrency, async (id) => {
    const detail = await bare.request('GET', `/api/v1/devices/${id}`);
    const snapshot = await bare.request('GET', `/api/v1/snapshots/${detail.auditId as string}`);
    return { detail, snapshot };
  });
  const seconds = (performance.now() - t0) / 1000;
  bare.close();
  return { seconds, calls: bare.state.calls, ids, tracked, catalog };
}

/**
 * (a_list) The calls a no-change rerun makes — token, groups, catalog, every device-list page
 * at `pageSize`, `pagesAtOnce` at once — bare, on a fresh keep-alive agent.
 */
export async function rawList(site: Site, pageSize: number, pagesAtOnce: number) {
  const bare = bareClient(site, pagesAtOnce);
  const t0 = performance.now();
  await bare.listAll(pageSize, pagesAtOnce);
  const seconds = (performance.now() - t0) / 1000;
  bare.close();
  return { seconds, calls: bare.state.calls };
}

/** (a') The device reads of (a) through the project's client: axios, zod, the rate budget. */
export async function clientFetch(site: Site, ids: string[], concurrency: number) {
  const client = createAlloyScanClient({ ...site, requestsPerSecond: 100_000 });
  await client.authenticate();
  const t0 = performance.now();
  const reads = await mapLimit(ids, concurrency, async (id) => {
    const detail = (await client.getDevice(id))!;
    const snapshot = detail.auditId ? await client.getSnapshot(detail.auditId) : undefined;
    return { detail, snapshot };
  });
  return { seconds: (performance.now() - t0) / 1000, calls: client.apiCalls, reads };
}

/** The rows an import writes for these reads: all software of the site's tracked groups. */
export function upsertsOf(
  reads: { detail: SourceDeviceDetail; snapshot: SourceSnapshot | undefined }[],
  tracked: readonly string[],
  groups: ReadonlyMap<string, string>,
): DeviceUpsert[] {
  const ctx = {
    importSoftware: { mode: 'all' as const },
    trackedGroups: new Set(tracked),
    productGroups: groups,
  };
  return reads.map(({ detail, snapshot }) => {
    const platform = snapshot?.operatingSystem?.platform;
    return toUpsert(detail, snapshot, filterInstallations(snapshot?.software ?? [], platform, ctx).kept);
  });
}

/** (b) applyDevicePage of `rows`, 500 per transaction, into a fresh store. */
export async function rawLoad(rows: DeviceUpsert[], store: { databaseUrl?: string; sqlitePath: string }) {
  const s = await createSyncStore(store);
  await s.migrate();
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += 500)
    await s.applyDevicePage('raw-load', rows.slice(i, i + 500), { batch: { runId: 'raw', key: String(i) } });
  const seconds = (performance.now() - t0) / 1000;
  await s.close();
  return { seconds };
}
