/**
 * One emulated Navigator: its options, classes, records, applications, faults, workload gate
 * and counters. The routes and the admin routes both work on it.
 */
import { unit3 } from '../prng';
import { WorkloadGate } from '../workload-gate';
import { actionTable, type ActionContext } from './actions';
import { NavigatorAuth } from './auth';
import { ClassRegistry } from './classes';
import { CounterSet, type NavigatorCounters } from './counters';
import { NavigatorFaultEngine } from './faults';
import type { ListSettings } from './listing';
import {
  resolveOptions,
  type NavigatorEmulatorOptions,
  type NavigatorFaults,
  type ResolvedOptions,
} from './options';
import { seedProducts } from './products';
import { NavigatorStore } from './store';
import type { Zone } from './values';

const SALT_SHORT_PAGE = 0x5348;

export class Navigator {
  readonly opts: ResolvedOptions;
  readonly classes: ClassRegistry;
  readonly store: NavigatorStore;
  readonly auth = new NavigatorAuth();
  readonly faults: NavigatorFaultEngine;
  readonly gate: WorkloadGate;
  readonly counters = new CounterSet();
  readonly zone: Zone;
  readonly actionContext: ActionContext;
  readonly listSettings: ListSettings;
  private pages = 0;

  constructor(input: NavigatorEmulatorOptions = {}) {
    this.opts = resolveOptions(input);
    this.classes = new ClassRegistry(this.opts);
    this.store = new NavigatorStore(this.classes, this.opts.seed);
    this.zone = { offsetMinutes: this.opts.offsetMinutes, timeZoneOffset: this.opts.timeZoneOffset };
    this.faults = new NavigatorFaultEngine(this.opts.seed, this.opts.faults);
    this.gate = new WorkloadGate({ perSecond: this.opts.faults.workloadLimit });
    const actions = actionTable(this.opts);
    this.actionContext = {
      store: this.store,
      zone: this.zone,
      actions,
      nowIso: () => new Date().toISOString(),
    };
    this.listSettings = {
      zone: this.zone,
      pageCap: this.opts.pageCap,
      shorten: (rows) => this.shorten(rows),
    };
    const catalog = this.store.of('softwareProduct');
    if (catalog) seedProducts(catalog, this.opts, new Date().toISOString());
    for (const r of this.opts.registrations) this.auth.register(r);
  }

  /** Replaces the fault configuration (workload limit and token lifetime included). */
  setFaults(faults: NavigatorFaults): void {
    this.faults.set(faults);
    this.gate.setLimit({ perSecond: faults.workloadLimit });
  }

  counterSnapshot(): NavigatorCounters {
    return this.counters.snapshot(this.gate.traffic());
  }

  resetCounters(): void {
    this.counters.reset();
    this.gate.resetTraffic();
  }

  /** Whether this page is cut short, and to how many rows (at least one). */
  private shorten(rows: number): number | undefined {
    const n = this.pages++;
    if (unit3(this.opts.seed, n, SALT_SHORT_PAGE) >= this.opts.shortPageRate) return undefined;
    return 1 + Math.floor(unit3(this.opts.seed, n, SALT_SHORT_PAGE + 1) * (rows - 1));
  }
}
