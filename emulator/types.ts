/** The emulator's programmatic contract (re-exported by index.ts). */
import type { Registration, RegistrationOptions, SecurityEvent } from './auth';
import type { ChurnLog, ChurnOptions } from './churn';
import type { MalformedVariant } from './faults';
import type { FaultOptions, SiteOptions } from './options';
import type { TrafficReport, TrafficSecond } from './traffic';
import type { WorkloadLimit } from './workload-limit';

export type { FaultOptions, SiteOptions, SecurityEvent, MalformedVariant, ChurnLog, ChurnOptions };
export type { TrafficReport, TrafficSecond, WorkloadLimit };

export interface Emulator {
  /** e.g. http://127.0.0.1:41234 */
  readonly baseUrl: string;
  /** Site served under `${baseUrl}/sites/${name}`; throws on invalid options or a duplicate name. */
  addSite(opts: SiteOptions): EmulatedSite;
  /** Throws if unknown. */
  site(name: string): EmulatedSite;
  close(): Promise<void>;
}

export interface GroundTruthOptions {
  /** undefined = every platform (and devices without one); [] = none. */
  platforms?: string[];
  /** Defaults to the groups whose tracking flag is on. */
  trackedGroups?: string[];
  /** Device types counted; undefined = all. */
  types?: string[];
}

export interface SiteStats {
  requests: Record<string, number>;
  tokenRequests: number;
  faultsInjected: Record<string, number>;
}

/** A registration as listed: never its secret or the secret's hash. */
export type RegistrationInfo = Omit<Registration, 'secretSalt' | 'secretHash'>;

export interface EmulatedSite {
  readonly name: string;
  /** Site base URL the client is given. */
  readonly url: string;
  /** Replaces the fault configuration (not a merge) and restarts the fault sequence. */
  setFaults(f: FaultOptions): void;
  /** Replaces the workload limit (not a merge; {} = none); the current windows keep their counts. */
  setWorkloadLimit(limit: WorkloadLimit): void;

  createRegistration(opts?: RegistrationOptions): {
    clientId: string;
    clientSecret: string;
  };
  disableRegistration(clientId: string): void;
  enableRegistration(clientId: string): void;
  /** Sets expiresAt in the past. */
  expireRegistration(clientId: string): void;
  deleteRegistration(clientId: string): void;
  /** Every issued token now answers 401. */
  revokeTokens(): void;
  securityLog(): SecurityEvent[];
  /** Extra (test aid): the raw access tokens issued so far (most recent 10,000), to assert none leaks. */
  issuedTokens(): string[];
  /** Extra: registrations as the Admin Center grid shows them (never the secret). */
  registrations(): RegistrationInfo[];

  /** New auditId/auditDate/lastSeen; software changes (adds, removals, version bumps). Unknown ids are ignored. */
  reaudit(deviceIds: string[]): void;
  addDevices(n: number): string[];
  /** Also what API DELETE does; unknown or already deleted ids are ignored. */
  deleteDevices(deviceIds: string[]): void;
  /** Extra (test aid): deleted devices come back as generated (the device found again); returns how many. */
  restoreDevices(deviceIds: string[]): number;
  /** Replaces the site's churn (devices added/deleted on cue of list calls; {} = none); see churn.ts. */
  setChurn(c: ChurnOptions): void;
  /** Extra (test aid): list calls since the churn was set, and the ids it added and deleted. */
  churnLog(): ChurnLog;
  /** Throws on an unknown product id. */
  setProductGroup(productId: string, group: string): void;
  setTracking(group: string, track: boolean): void;

  deviceIds(opts?: { offset?: number; limit?: number }): string[];
  deviceCount(filter?: { types?: string[] }): number;
  groundTruth(opts?: GroundTruthOptions): { devices: number; installations: number };
  /** Extra: how the current fault settings serve a record id (device or product) — undefined = intact. */
  malformedVariant(id: string): MalformedVariant | undefined;

  stats(): SiteStats;
  resetStats(): void;
  /** Extra (test aid): requests per wall-clock second over the last hour, as the site saw them. */
  traffic(): TrafficReport;
  resetTraffic(): void;
}
