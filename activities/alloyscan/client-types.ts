/**
 * The contract of the AlloyScan API client, as the sync activities use it. The
 * implementation (client.ts) is the only axios caller; every response is parsed with the
 * schemas of schema.ts; failures are thrown as AlloyScanError (errors.ts) carrying a
 * FailureType, mapped to Temporal by toApplicationFailure.
 */
import type {
  QuarantinedRecord,
  SourceDevice,
  SourceDeviceDetail,
  SourceProduct,
  SourceSnapshot,
  SourceSoftwareGroup,
} from '../../common/domain';
import type { RateBudget } from './rate-budget';

export interface AlloyScanClientOptions {
  siteUrl: string;
  clientId: string;
  /** The resolved secret. Lives only in worker memory; never logged, never in an error message. */
  clientSecret: string;
  /** Default `/api/oauth/token`. */
  tokenPath?: string;
  /** Per-request timeout (ms). Default 30 000. */
  timeoutMs?: number;
  /** Rate ceiling (requests/s) of this client's calls, when no `budget` is given. Default 20. */
  requestsPerSecond?: number;
  /** The caller's rate budget (an activity's share of the job's), adapting to the site's 429s. */
  budget?: RateBudget;
  /** The job the calls are for: their metrics' `job` label. */
  jobId?: string;
  /** Refresh the token when it has less than this left (ms). Default 60 000. */
  refreshMarginMs?: number;
}

export interface DevicePage {
  /** Valid devices of the page. */
  items: SourceDevice[];
  /** Records of the page that failed the schema. */
  quarantined: QuarantinedRecord[];
  /** Number of records the site returned (valid + quarantined): advance the offset by this. */
  received: number;
  total: number;
}

export interface ProductPage {
  items: SourceProduct[];
  quarantined: QuarantinedRecord[];
  received: number;
  total: number;
}

export interface AlloyScanClient {
  /** Get a token now (cached; one token request per expiry). Throws BadCredentials / RegistrationDisabled / RegistrationExpired. */
  authenticate(): Promise<void>;
  listDevices(params: { offset: number; limit: number; type?: string }): Promise<DevicePage>;
  /** Undefined when the device no longer exists (404). A malformed record throws QuarantineError. */
  getDevice(id: string): Promise<SourceDeviceDetail | undefined>;
  /** Undefined on 404. */
  getSnapshot(id: string): Promise<SourceSnapshot | undefined>;
  listSoftware(params: { offset: number; limit: number }): Promise<ProductPage>;
  getProduct(id: string): Promise<SourceProduct | undefined>;
  /** Undefined when the site has no software-groups endpoint (404): the caller falls back to the job's trackedGroups. */
  listSoftwareGroups(): Promise<SourceSoftwareGroup[] | undefined>;
  /** 'deleted', or 'already-gone' on 404. */
  deleteDevice(id: string): Promise<'deleted' | 'already-gone'>;
  /** API calls made by this client so far (token requests included). */
  readonly apiCalls: number;
  readonly tokenRequests: number;
}
