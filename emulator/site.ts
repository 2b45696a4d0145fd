/**
 * One emulated AlloyScan site: generated inventory plus small mutation overlays,
 * registrations and tokens, workload limits and traffic meter, fault injection, tracking
 * flags and request statistics.
 */
import { AuthState, type RegistrationOptions } from './auth';
import { buildCatalog, findProduct, type Product } from './catalog';
import { Churn, type ChurnLog, type ChurnOptions } from './churn';
import { DeviceStore } from './device-store';
import { FaultEngine, type MalformedVariant } from './faults';
import { countGroundTruth, typeFilter } from './ground-truth';
import { Inventory } from './inventory';
import {
  parseFaultOptions,
  resolveSiteOptions,
  type FaultOptions,
  type ResolvedSiteOptions,
  type SiteOptions,
} from './options';
import type { TrafficReport } from './traffic';
import type { EmulatedSite, GroundTruthOptions, RegistrationInfo, SiteStats } from './types';
import { WorkloadGate } from './workload-gate';
import { parseWorkloadLimit, type WorkloadLimit } from './workload-limit';

export class Site implements EmulatedSite {
  readonly name: string;
  readonly url: string;
  readonly opts: ResolvedSiteOptions;
  readonly inv: Inventory;
  readonly catalog: Product[];
  readonly store: DeviceStore;
  readonly auth: AuthState;
  readonly faults: FaultEngine;
  readonly gate: WorkloadGate;
  readonly churn: Churn;
  private readonly tracking = new Map<string, boolean>();
  private requests: Record<string, number> = {};

  constructor(options: SiteOptions, baseUrl: string) {
    this.opts = resolveSiteOptions(options);
    this.name = this.opts.name;
    this.url = `${baseUrl}/sites/${this.name}`;
    this.inv = new Inventory(this.opts);
    this.catalog = buildCatalog(this.inv.seed, this.opts.catalogSize, this.opts.groupMix);
    this.store = new DeviceStore(this.inv, this.opts.devices);
    this.auth = new AuthState(this.opts.tokenTtlSeconds);
    this.faults = new FaultEngine(this.opts.seed, this.opts.faults);
    this.gate = new WorkloadGate(this.opts.workloadLimit);
    this.churn = new Churn(this.inv, this.store);
    for (const [group, track] of Object.entries(this.opts.tracking)) this.tracking.set(group, track);
  }

  setFaults(f: FaultOptions): void {
    this.faults.set(parseFaultOptions(f));
  }

  setChurn(c: ChurnOptions): void {
    this.churn.set(c);
  }

  churnLog(): ChurnLog {
    return this.churn.report();
  }

  setWorkloadLimit(limit: WorkloadLimit): void {
    this.gate.setLimit(parseWorkloadLimit(limit));
  }

  traffic(): TrafficReport {
    return this.gate.traffic();
  }

  resetTraffic(): void {
    this.gate.resetTraffic();
  }

  createRegistration(opts?: RegistrationOptions): {
    clientId: string;
    clientSecret: string;
  } {
    return this.auth.create(opts);
  }

  disableRegistration(clientId: string): void {
    this.auth.get(clientId).enabled = false;
  }

  enableRegistration(clientId: string): void {
    this.auth.get(clientId).enabled = true;
  }

  expireRegistration(clientId: string): void {
    this.auth.get(clientId).expiresAt = new Date(Date.now() - 1000).toISOString();
  }

  deleteRegistration(clientId: string): void {
    this.auth.delete(clientId);
  }

  revokeTokens(): void {
    this.auth.revokeTokens();
  }

  securityLog(): ReturnType<AuthState['securityLog']> {
    return this.auth.securityLog();
  }

  issuedTokens(): string[] {
    return this.auth.issuedTokens();
  }

  registrations(): RegistrationInfo[] {
    return this.auth.list();
  }

  reaudit(deviceIds: string[]): void {
    for (const id of deviceIds) {
      const index = this.store.indexOf(id);
      if (index !== undefined) this.store.reaudit(index);
    }
  }

  addDevices(n: number): string[] {
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`addDevices: n must be a non-negative integer, got ${n}`);
    return this.store.add(n).map((i) => this.inv.deviceId(i));
  }

  deleteDevices(deviceIds: string[]): void {
    for (const id of deviceIds) {
      const index = this.store.indexOf(id);
      if (index !== undefined) this.store.delete(index);
    }
  }

  restoreDevices(deviceIds: string[]): number {
    let n = 0;
    for (const id of deviceIds) {
      const index = this.inv.deviceIndex(id);
      if (index !== undefined && this.store.restore(index)) n++;
    }
    return n;
  }

  setProductGroup(productId: string, group: string): void {
    const product = findProduct(this.catalog, this.inv.seed, productId);
    if (!product) throw new Error(`unknown product ${productId}`);
    product.group = group;
  }

  setTracking(group: string, track: boolean): void {
    this.tracking.set(group, track);
  }

  /** Every known group (the three standard ones, configured ones, and any assigned to a product). */
  softwareGroups(): { name: string; track: boolean }[] {
    const names = new Set(['Regular', 'Required', 'Forbidden', ...this.tracking.keys()]);
    for (const p of this.catalog) names.add(p.group);
    return [...names].map((name) => ({ name, track: this.tracking.get(name) ?? false }));
  }

  deviceIds(opts: { offset?: number; limit?: number } = {}): string[] {
    const { indices } = this.store.page(opts.offset ?? 0, opts.limit ?? Number.MAX_SAFE_INTEGER);
    return indices.map((i) => this.inv.deviceId(i));
  }

  deviceCount(filter: { types?: string[] } = {}): number {
    return this.store.count(typeFilter(this.inv, filter.types));
  }

  groundTruth(opts: GroundTruthOptions = {}): { devices: number; installations: number } {
    const trackedByFlag = [...this.tracking].filter(([, on]) => on).map(([group]) => group);
    return countGroundTruth(this, trackedByFlag, opts);
  }

  malformedVariant(id: string): MalformedVariant | undefined {
    return this.faults.variantOf(id);
  }

  /** Counts one request of a route (see stats()). */
  countRequest(route: string): void {
    this.requests[route] = (this.requests[route] ?? 0) + 1;
  }

  stats(): SiteStats {
    return {
      requests: { ...this.requests },
      tokenRequests: this.requests.token ?? 0,
      faultsInjected: { ...this.faults.injected },
    };
  }

  resetStats(): void {
    this.requests = {};
    this.faults.resetCounts();
  }
}
