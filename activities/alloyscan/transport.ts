/**
 * The axios adapter the AlloyScan client sends its requests through: one request on a
 * keep-alive agent, axios's `timeout` as the socket timeout, the caller's signal as it is,
 * gzip/deflate/br answers decompressed. axios stays the client (config, validateStatus,
 * JSON, errors); this replaces only its Node adapter, whose per-request work (proxy look-up
 * from the environment, redirect machinery, stream plumbing) cost more CPU than the request
 * itself on a large import. With a proxy in the environment (HTTP(S)_PROXY, ALL_PROXY) the
 * client keeps axios's own adapter, which knows proxies.
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

/** An axios adapter: one request, its body as a string (axios parses the JSON). */
export function keepAliveAdapter(config: InternalAxiosRequestConfig): Promise<AxiosResponse<string>> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${config.baseURL ?? ''}${config.url ?? ''}`);
    const agent = agents[url.protocol as keyof typeof agents];
    if (!agent)
      return reject(new AxiosError(`unsupported protocol ${url.protocol}`, 'ERR_BAD_REQUEST', config));
    const headers = AxiosHeaders.from(config.headers).set('Accept-Encoding', 'gzip, deflate, br', false);
    const body = typeof config.data === 'string' ? config.data : undefined;
    if (body !== undefined) headers.set('Content-Length', String(Buffer.byteLength(body)));
    const req = (url.protocol === 'https:' ? https : http).request(url, {
      method: (config.method ?? 'get').toUpperCase(),
      agent,
      headers: headers.toJSON(),
      signal: config.signal as AbortSignal | undefined,
    });
    const fail = (err: Error & { code?: string }, code = err.code): void =>
      reject(new AxiosError(err.message, code, config, req));
    if (config.timeout)
      req.setTimeout(config.timeout, () => {
        req.destroy();
        fail(new Error(`timeout of ${config.timeout} ms exceeded`), 'ECONNABORTED');
      });
    req.on('error', (err) => fail(err));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      const stream = decode(res);
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err: Error) => fail(err, 'ERR_BAD_RESPONSE'));
      stream.on('end', () =>
        resolve({
          data: Buffer.concat(chunks).toString('utf8'),
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: new AxiosHeaders(res.headers as Record<string, string>),
          config,
          request: req,
        }),
      );
    });
    req.end(body);
  });
}
