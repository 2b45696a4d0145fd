/**
 * Fault injection for the Navigator emulator. Call n draws from a sequence seeded by the
 * fault seed (a run is reproducible up to call ordering); `failNext` arms the next calls of
 * a route, one-shot, before any random draw. Random faults never touch token requests.
 */
import { unit3 } from '../prng';
import type { FailNext, FaultRoute, NavigatorFaults } from './options';
import { DEFAULT_TOKEN_TTL_SECONDS } from './paths';

export type CallKind = 'token' | 'list' | 'object' | 'create' | 'action' | 'check' | 'dictionary' | 'other';

export type CallFault =
  | { kind: 'none'; delayMs: number }
  | { kind: 'drop'; delayMs: number }
  /** Answer after the handler ran (a write is committed), then destroy the socket. */
  | { kind: 'lostAnswer'; delayMs: number }
  | { kind: '429'; delayMs: number; retryAfterSeconds: number }
  | { kind: '5xx'; delayMs: number; status: 500 | 503 };

const ROUTE_OF: Partial<Record<CallKind, FaultRoute>> = {
  token: 'token',
  list: 'list',
  object: 'object',
  create: 'create',
  action: 'action',
};

export class NavigatorFaultEngine {
  private opts: NavigatorFaults = {};
  private armed: FailNext[] = [];
  private seed: number;
  private n = 0;

  constructor(
    private readonly defaultSeed: number,
    faults: NavigatorFaults,
  ) {
    this.seed = defaultSeed;
    this.set(faults);
  }

  /** Replaces the whole fault configuration (and the armed one-shots); restarts the sequence. */
  set(faults: NavigatorFaults): void {
    this.opts = { ...faults };
    const failNext = faults.failNext === undefined ? [] : [faults.failNext].flat();
    this.armed = failNext.map((f) => ({ kind: f.kind, count: f.count ?? 1, route: f.route }));
    this.seed = faults.seed ?? this.defaultSeed;
    this.n = 0;
  }

  current(): NavigatorFaults {
    return { ...this.opts, failNext: this.armed.filter((f) => f.count > 0).map((f) => ({ ...f })) };
  }

  tokenTtlSeconds(): number {
    return this.opts.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  }

  workloadLimit(): number | undefined {
    return this.opts.workloadLimit;
  }

  /** The fault (if any) for the next call of `call` kind. */
  next(call: CallKind): CallFault {
    const armed = this.takeArmed(call);
    if (armed) return armed;
    if (call === 'token') return { kind: 'none', delayMs: 0 };
    const n = this.n++;
    const o = this.opts;
    const draw = (k: number): number => unit3(this.seed, n, k);
    const delayMs = draw(4) < (o.rateSlow ?? 0) ? (o.slowMs ?? 2000) : 0;
    if (draw(1) < (o.rateDrop ?? 0)) return { kind: 'drop', delayMs };
    if (draw(2) < (o.rate429 ?? 0))
      return { kind: '429', delayMs, retryAfterSeconds: o.retryAfterSeconds ?? 1 };
    if (draw(3) < (o.rate5xx ?? 0)) return { kind: '5xx', delayMs, status: draw(5) < 0.5 ? 500 : 503 };
    const write = call === 'create' || call === 'action';
    if (write && draw(6) < (o.rateLostAnswer ?? 0)) return { kind: 'lostAnswer', delayMs };
    return { kind: 'none', delayMs };
  }

  private takeArmed(call: CallKind): CallFault | undefined {
    const route = ROUTE_OF[call];
    const entry = this.armed.find(
      (f) => f.count > 0 && (f.route === undefined ? call !== 'token' : f.route === route),
    );
    if (!entry) return undefined;
    entry.count--;
    this.armed = this.armed.filter((f) => f.count > 0);
    if (entry.kind === '429')
      return { kind: '429', delayMs: 0, retryAfterSeconds: this.opts.retryAfterSeconds ?? 1 };
    if (entry.kind === '5xx') return { kind: '5xx', delayMs: 0, status: 503 };
    return { kind: entry.kind, delayMs: 0 };
  }
}
