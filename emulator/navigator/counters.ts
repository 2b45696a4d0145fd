/**
 * What the emulator saw: calls by kind, faults injected, refusals, writes per class, and the
 * calls in each wall-clock second (from the workload gate's meter), for tests and demos.
 */
import type { TrafficReport } from '../traffic';
import type { CallKind } from './faults';

export interface NavigatorCounters extends Record<CallKind, number> {
  /** 429 answers: workload limit and injected alike. */
  throttled429: number;
  faults5xx: number;
  /** Sockets destroyed with no answer (lost answers included). */
  drops: number;
  /** Committed creates and step actions whose answer was dropped. */
  lostAnswers: number;
  /** Answers with success:false sent by the API itself (not 429/5xx faults). */
  refused: number;
  /** Most calls received in one wall-clock second (429s included), and most admitted. */
  maxCallsInOneSecond: number;
  maxAdmittedInOneSecond: number;
  perSecond: { at: number; received: number; admitted: number }[];
  /** Committed creates and step actions, by URL class name. */
  creates: Record<string, number>;
  updates: Record<string, number>;
}

type Tally = Omit<NavigatorCounters, 'maxCallsInOneSecond' | 'maxAdmittedInOneSecond' | 'perSecond'>;

function zero(): Tally {
  return {
    token: 0,
    list: 0,
    object: 0,
    create: 0,
    action: 0,
    check: 0,
    dictionary: 0,
    other: 0,
    throttled429: 0,
    faults5xx: 0,
    drops: 0,
    lostAnswers: 0,
    refused: 0,
    creates: {},
    updates: {},
  };
}

export class CounterSet {
  private t = zero();

  call(kind: CallKind): void {
    this.t[kind]++;
  }

  add(key: 'throttled429' | 'faults5xx' | 'drops' | 'lostAnswers' | 'refused'): void {
    this.t[key]++;
  }

  write(kind: 'create' | 'action', className: string): void {
    const map = kind === 'create' ? this.t.creates : this.t.updates;
    map[className] = (map[className] ?? 0) + 1;
  }

  reset(): void {
    this.t = zero();
  }

  snapshot(traffic: TrafficReport): NavigatorCounters {
    const perSecond = traffic.seconds.map(({ at, received, admitted }) => ({ at, received, admitted }));
    return {
      ...this.t,
      creates: { ...this.t.creates },
      updates: { ...this.t.updates },
      maxCallsInOneSecond: Math.max(0, ...perSecond.map((s) => s.received)),
      maxAdmittedInOneSecond: Math.max(0, ...perSecond.map((s) => s.admitted)),
      perSecond,
    };
  }
}
