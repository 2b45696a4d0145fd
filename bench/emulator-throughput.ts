/**
 * Emulator throughput and memory: a 100k-device site in a child process (so the load
 * generator's own memory and CPU are not counted in the server's RSS), hammered with
 * ~16 concurrent keep-alive GET /api/v1/devices/{id} for ~5 s (with global fetch, then with a
 * node:http agent: on a 2-core machine the client's CPU bounds the figure); then the server's RSS
 * before and after listing all 100k devices in pages of 500. Prints figures only. The
 * server's CPU time per request is printed too: on a shared machine req/s swings with
 * other load, CPU µs/request much less, so compare that figure across versions.
 * Usage: npm run bench:emulator [-- --devices 100000 --seconds 5 --concurrency 16]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, get as httpGet } from 'node:http';
import { startEmulator } from '../emulator';

type Ready = { type: 'ready'; url: string; clientId: string; clientSecret: string; sampleIds: string[] };
type Probe = { type: 'probe'; rssMb: number; heapMb: number; cpuMs: number };

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/** Child: serve the site and answer memory and CPU probes over IPC. */
async function serve(devices: number): Promise<void> {
  const emulator = await startEmulator();
  const site = emulator.addSite({ name: 'bench', devices });
  const creds = site.createRegistration({ name: 'bench' });
  const sampleIds = Array.from(
    { length: 2000 },
    (_, k) => site.deviceIds({ offset: Math.floor((k * devices) / 2000), limit: 1 })[0] ?? '',
  );
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'memory' || msg.type === 'cpu') {
      if (msg.type === 'memory') global.gc?.();
      const m = process.memoryUsage();
      const cpu = process.cpuUsage();
      process.send?.({
        type: 'probe',
        rssMb: m.rss / 2 ** 20,
        heapMb: m.heapUsed / 2 ** 20,
        cpuMs: (cpu.user + cpu.system) / 1000,
      } satisfies Probe);
    } else if (msg.type === 'stop') {
      void emulator.close().then(() => process.exit(0));
    }
  });
  process.send?.({ type: 'ready', url: site.url, ...creds, sampleIds } satisfies Ready);
}

function nextMessage<T extends { type: string }>(child: ChildProcess, type: T['type']): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (msg: T): void => {
      if (msg.type !== type) return;
      child.off('message', onMessage);
      resolve(msg);
    };
    child.on('message', onMessage);
  });
}

async function token(ready: Ready): Promise<string> {
  const res = await fetch(`${ready.url}/api/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: ready.clientId,
      client_secret: ready.clientSecret,
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

type Getter = (path: string) => Promise<number>;

/** undici (global fetch) client: the client the sync itself would be closest to. */
function fetchGetter(auth: string): Getter {
  return async (url) => {
    const res = await fetch(url, { headers: { authorization: `Bearer ${auth}` } });
    await res.arrayBuffer();
    return res.status;
  };
}

/** node:http keep-alive agent: a lighter client, closer to the server's own capacity on 2 cores. */
function httpGetter(auth: string, concurrency: number): Getter {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  return (url) =>
    new Promise((resolve, reject) => {
      const req = httpGet(url, { agent, headers: { authorization: `Bearer ${auth}` } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
    });
}

async function hammer(
  ready: Ready,
  get: Getter,
  seconds: number,
  concurrency: number,
): Promise<{ n: number; errors: number; latencies: number[] }> {
  const deadline = Date.now() + seconds * 1000;
  const latencies: number[] = [];
  let errors = 0;
  const worker = async (w: number): Promise<void> => {
    for (let k = w; Date.now() < deadline; k += concurrency) {
      const id = ready.sampleIds[k % ready.sampleIds.length] ?? '';
      const t0 = performance.now();
      if ((await get(`${ready.url}/api/v1/devices/${id}`)) !== 200) errors++;
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return { n: latencies.length, errors, latencies: latencies.sort((a, b) => a - b) };
}

async function listAll(ready: Ready, auth: string): Promise<{ devices: number; pages: number }> {
  let devices = 0;
  let pages = 0;
  for (let offset = 0; ; pages++) {
    const res = await fetch(`${ready.url}/api/v1/devices?limit=500&offset=${offset}`, {
      headers: { authorization: `Bearer ${auth}` },
    });
    const page = (await res.json()) as { items: unknown[]; total: number };
    devices += page.items.length;
    offset += page.items.length;
    if (page.items.length === 0 || offset >= page.total) return { devices, pages: pages + 1 };
  }
}

async function main(): Promise<void> {
  const devices = arg('devices', 100_000);
  const seconds = arg('seconds', 5);
  const concurrency = arg('concurrency', 16);
  const child = fork(__filename, ['serve', String(devices)], { execArgv: ['--expose-gc'] });
  const ready = await nextMessage<Ready>(child, 'ready');
  const auth = await token(ready);
  /** 'cpu' skips the gc, whose CPU time would otherwise count in the next hammer. */
  const probe = async (kind: 'memory' | 'cpu'): Promise<Probe> => {
    child.send({ type: kind });
    return nextMessage<Probe>(child, 'probe');
  };
  console.log(`site: ${devices} devices (emulator in a child process)`);
  for (const [label, get] of [
    ['fetch (undici)', fetchGetter(auth)],
    ['node:http agent', httpGetter(auth, concurrency)],
  ] as const) {
    await hammer(ready, get, 1, concurrency);
    const cpu0 = await probe('cpu');
    const r = await hammer(ready, get, seconds, concurrency);
    const cpuUs = (((await probe('cpu')).cpuMs - cpu0.cpuMs) * 1000) / r.n;
    const pct = (p: number): string =>
      (r.latencies[Math.floor((r.latencies.length - 1) * p)] ?? 0).toFixed(2);
    console.log(
      `GET /api/v1/devices/{id} via ${label}: ${r.n} requests in ${seconds} s = ${Math.round(r.n / seconds)} req/s ` +
        `(${concurrency} concurrent, keep-alive), errors ${r.errors}, p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, server CPU ${cpuUs.toFixed(0)} µs/request`,
    );
  }
  const m0 = await probe('memory');
  const t0 = performance.now();
  const listed = await listAll(ready, auth);
  const listMs = performance.now() - t0;
  const m1 = await probe('memory');
  console.log(
    `listing: ${listed.devices} devices in ${listed.pages} pages of 500 in ${(listMs / 1000).toFixed(2)} s = ${Math.round(listed.devices / (listMs / 1000))} devices/s`,
  );
  console.log(
    `emulator RSS before listing: ${m0.rssMb.toFixed(1)} MB (heap ${m0.heapMb.toFixed(1)} MB); after: ${m1.rssMb.toFixed(1)} MB (heap ${m1.heapMb.toFixed(1)} MB); ratio ${(m1.rssMb / m0.rssMb).toFixed(2)}`,
  );
  child.send({ type: 'stop' });
}

if (process.argv[2] === 'serve') void serve(Number(process.argv[3]));
else void main();
