/**
 * The HTTP side of the Navigator client: one axios instance per client on the worker's
 * keep-alive agents (the AlloyScan client's adapter, or axios's own when a proxy is in the
 * environment), axios's timeout as the one timeout, no redirects followed, every status
 * returned (classify.ts judges it), and no retry loop: Temporal owns retries. Concurrency and
 * rate are bounded per Navigator and worker process (limits below), shared by its clients.
 */
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { RateBudget } from '../alloyscan/rate-budget';
import { keepAliveAdapter, proxyInEnvironment } from '../alloyscan/transport';

const agents = {
  httpAgent: new http.Agent({ keepAlive: true }),
  httpsAgent: new https.Agent({ keepAlive: true }),
};

export function createNavigatorHttp(apiUrl: string, timeoutMs: number): AxiosInstance {
  return axios.create({
    baseURL: apiUrl,
    timeout: timeoutMs,
    headers: { Accept: 'application/json' },
    maxRedirects: 0,
    validateStatus: () => true,
    ...(proxyInEnvironment() ? agents : { adapter: keepAliveAdapter }),
  });
}

/** At most `size` callers at once; the others wait in order. */
export class Semaphore {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly size: number) {
    this.#free = size;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
}

export interface NavigatorLimits {
  semaphore: Semaphore;
  budget: RateBudget;
}

const limits = new Map<string, NavigatorLimits & { concurrency: number; rate: number }>();

/** The in-flight bound and rate budget of one Navigator in this worker process (new ones when its settings change). */
export function navigatorLimits(
  key: string,
  concurrency: number,
  requestsPerSecond: number,
): NavigatorLimits {
  const held = limits.get(key);
  if (held && held.concurrency === concurrency && held.rate === requestsPerSecond) return held;
  const fresh = {
    semaphore: new Semaphore(concurrency),
    budget: new RateBudget({ ceiling: requestsPerSecond }),
    concurrency,
    rate: requestsPerSecond,
  };
  limits.set(key, fresh);
  return fresh;
}
