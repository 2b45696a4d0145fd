/**
 * How the AlloyScan client (and, through axios, the Navigator client) sends requests without a
 * proxy: one request on a keep-alive agent, a socket timeout, the caller's signal as it is,
 * gzip/deflate/br answers decompressed. `exchange` is the AlloyScan client's hot path — axios's
 * per-call work (config merging, header objects, interceptor chain, transforms) cost as much
 * CPU as the request itself on a large import; `keepAliveAdapter` is the same exchange as an
 * axios adapter for the Navigator client. With a proxy in the environment (HTTP(S)_PROXY,
 * ALL_PROXY) both keep axios with its own adapter, which knows proxies.
 */
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { AxiosError, AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

/** True when the environment names a proxy: then axios's own adapter is used. */
export function proxyInEnvironment(): boolean {
  const env = process.env;
  return ['http_proxy', 'https_proxy', 'all_proxy'].some((k) => !!(env[k] ?? env[k.toUpperCase()]));
}

function decode(res: http.IncomingMessage): NodeJS.ReadableStream {
  switch (res.headers['content-encoding']) {
    case 'gzip':
      return res.pipe(zlib.createGunzip());
    case 'deflate':
      return res.pipe(zlib.createInflate());
    case 'br':
      return res.pipe(zlib.createBrotliDecompress());
    default:
      return res;
  }
}

/** Where a request goes: what node's http.request takes of a URL (parsed once per client). */
export interface Target {
  protocol: string;
  hostname: string;
  port: string;
  /** Path and query, already percent-encoded. */
  path: string;
}

/** A URL as a Target (an IPv6 host without its brackets, as node's own conversion does). */
export function targetOf(url: URL): Target {
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { protocol: url.protocol, hostname, port: url.port, path: `${url.pathname}${url.search}` };
}

/** One request to send: its target, headers, an optional string body. */
export interface Exchange {
  url: Target;
  method: string;
  headers: http.OutgoingHttpHeaders;
  body?: string | undefined;
  /** Socket idle timeout; 0 or absent: none. */
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** What came back: status, headers (lower-case names) and the body decoded as text. */
export interface Answer {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  text: string;
  request: http.ClientRequest;
}

/** A request that got no answer; `code` as node or axios name it (ECONNRESET, ECONNABORTED, …). */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/**
 * One request on the keep-alive agent of its protocol. A socket idle past `timeoutMs` fails as
 * ECONNABORTED (axios's code for its timeout); a body that cannot be decoded as ERR_BAD_RESPONSE.
 */
export function exchange(x: Exchange): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const agent = agents[x.url.protocol as keyof typeof agents];
    if (!agent)
      return reject(new TransportError(`unsupported protocol ${x.url.protocol}`, 'ERR_BAD_REQUEST'));
    const headers: http.OutgoingHttpHeaders = { 'Accept-Encoding': 'gzip, deflate, br', ...x.headers };
    if (x.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(x.body));
    const { protocol, hostname, port, path } = x.url;
    const req = (protocol === 'https:' ? https : http).request({
      protocol,
      hostname,
      port,
      path,
      method: x.method.toUpperCase(),
      agent,
      headers,
      signal: x.signal,
    });
    const fail = (err: Error & { code?: string }, code = err.code): void =>
      reject(new TransportError(err.message, code));
    if (x.timeoutMs)
      req.setTimeout(x.timeoutMs, () => {
        req.destroy();
        fail(new Error(`timeout of ${x.timeoutMs} ms exceeded`), 'ECONNABORTED');
      });
    req.on('error', (err) => fail(err));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      const stream = decode(res);
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err: Error) => fail(err, 'ERR_BAD_RESPONSE'));
      stream.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
          request: req,
        }),
      );
    });
    req.end(x.body);
  });
}

/** A body as axios's default transformResponse reads it: JSON when it parses, else the text itself. */
export function parseBody(text: string): unknown {
  if (!text) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** An axios adapter over `exchange`: its body as a string (axios parses the JSON). */
export async function keepAliveAdapter(config: InternalAxiosRequestConfig): Promise<AxiosResponse<string>> {
  const url = targetOf(new URL(`${config.baseURL ?? ''}${config.url ?? ''}`));
  const headers = AxiosHeaders.from(config.headers).toJSON() as http.OutgoingHttpHeaders;
  try {
    const a = await exchange({
      url,
      method: config.method ?? 'get',
      headers,
      body: typeof config.data === 'string' ? config.data : undefined,
      timeoutMs: config.timeout,
      signal: config.signal as AbortSignal | undefined,
    });
    return {
      data: a.text,
      status: a.status,
      statusText: a.statusText,
      headers: new AxiosHeaders(a.headers as Record<string, string>),
      config,
      request: a.request,
    };
  } catch (err) {
    const e = err as TransportError;
    throw new AxiosError(e.message, e.code, config);
  }
}
