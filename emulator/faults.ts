/**
 * Fault injection. Per-request faults draw from a sequence seeded by the fault seed
 * (request n always gets draw n, so a run is reproducible up to request ordering);
 * malformed-ness is a pure function of (fault seed, record id), so a retry sees the
 * same record malformed in the same way.
 */
import type { FaultOptions } from './options';
import { fnv1a, unit3 } from './prng';

export type RequestFault =
  | { kind: 'none'; delayMs: number }
  | { kind: 'drop'; delayMs: number; afterHandler: boolean }
  | { kind: '429'; delayMs: number; retryAfterSeconds?: number }
  | { kind: '5xx'; delayMs: number; status: 500 | 503 };

export const MALFORMED_VARIANTS = ['missing-id', 'wrong-type', 'oversized', 'extra-fields'] as const;
export type MalformedVariant = (typeof MALFORMED_VARIANTS)[number];

const OVERSIZED_CHARS = 64 * 1024 + 1;
const SALT_MALFORMED = 0x6d616c;

export class FaultEngine {
  private opts: FaultOptions = {};
  private seed = 1;
  private n = 0;
  readonly injected: Record<string, number> = {};

  constructor(
    private readonly defaultSeed: number,
    opts: FaultOptions,
  ) {
    this.set(opts);
  }

  /** Replaces the whole fault configuration and restarts the per-request sequence. */
  set(opts: FaultOptions): void {
    this.opts = { ...opts };
    this.seed = opts.seed ?? this.defaultSeed;
    this.n = 0;
  }

  current(): FaultOptions {
    return { ...this.opts };
  }

  /** The fault (if any) for the next API request. */
  next(): RequestFault {
    const n = this.n++;
    const o = this.opts;
    const draw = (k: number): number => unit3(this.seed, n, k);
    const delayMs = draw(4) < (o.slowRate ?? 0) ? (o.slowMs ?? 2000) : 0;
    const fault = this.pickFault(draw, delayMs);
    if (delayMs > 0) this.count('slow');
    if (fault.kind !== 'none') this.count(fault.kind);
    return fault;
  }

  private pickFault(draw: (k: number) => number, delayMs: number): RequestFault {
    const o = this.opts;
    if (draw(1) < (o.dropRate ?? 0)) return { kind: 'drop', delayMs, afterHandler: draw(6) < 0.5 };
    if (draw(2) < (o.rate429 ?? 0)) {
      const ra = o.retryAfterSeconds ?? 1;
      return ra < 0 ? { kind: '429', delayMs } : { kind: '429', delayMs, retryAfterSeconds: ra };
    }
    if (draw(3) < (o.rate5xx ?? 0)) return { kind: '5xx', delayMs, status: draw(5) < 0.5 ? 500 : 503 };
    return { kind: 'none', delayMs };
  }

  /** The malformed variant of a record, or undefined when the record is served intact. */
  variantOf(id: string): MalformedVariant | undefined {
    const rate = this.opts.malformedRate ?? 0;
    if (rate <= 0) return undefined;
    const h = fnv1a(id);
    if (unit3(this.seed, h, SALT_MALFORMED) >= rate) return undefined;
    return MALFORMED_VARIANTS[
      Math.floor(unit3(this.seed, h, SALT_MALFORMED + 1) * MALFORMED_VARIANTS.length)
    ];
  }

  /**
   * Applies the record's variant (if any) to its wire object. `stringField` names a string
   * field that 'wrong-type' turns into a number and 'oversized' blows past 64 KiB.
   */
  apply(record: Record<string, unknown>, id: string, stringField: string): Record<string, unknown> {
    const variant = this.variantOf(id);
    if (!variant) return record;
    this.count(variant === 'extra-fields' ? 'extra-fields' : 'malformed');
    const out = { ...record };
    if (variant === 'missing-id') delete out.id;
    else if (variant === 'wrong-type') out[stringField] = 12345;
    else if (variant === 'oversized') out[stringField] = 'X'.repeat(OVERSIZED_CHARS);
    else Object.assign(out, { x_vendorExtension: { rev: 2, flags: ['beta'] }, complianceScore: 0.93 });
    return out;
  }

  resetCounts(): void {
    for (const key of Object.keys(this.injected)) delete this.injected[key];
  }

  private count(kind: string): void {
    this.injected[kind] = (this.injected[kind] ?? 0) + 1;
  }
}
