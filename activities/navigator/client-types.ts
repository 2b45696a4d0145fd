/**
 * The contract of the Alloy Navigator Express API client, as the sync activities use it.
 * The implementation (client.ts) is the only axios caller on this side; every answer is parsed
 * with the schemas of schema.ts (the one module holding every path, class name, parameter and
 * field name); failures are thrown as NavigatorError (errors.ts) carrying a FailureType and
 * mapped to Temporal by activities/failures.ts.
 *
 * Writes (create, step action) never throw for an answer about the record itself: they return
 * a WriteOutcome, so the caller can tell "done", "refused by Navigator for this record" and
 * "the request went out but its answer was lost" (look before repeating a create) apart.
 */

/** One row of a listing, keyed by physical field name; `""` read as null, GUIDs unbraced and lower-case. */
export type NavigatorRow = Record<string, string | null>;

export type FilterOperation = '=' | '<>' | '>' | '>=' | '<' | '<=';

export interface NavigatorFilter {
  name: string;
  value: string;
  /** Default `=`. */
  operation?: FilterOperation;
}

export interface NavigatorSort {
  property: string;
  direction: 'asc' | 'desc';
}

export interface ListParams {
  /** URL class name (`Computers`, `InventoryItems`, ...). */
  className: string;
  /** Physical field names to return (`ID` for the GUID key). */
  fields: string[];
  /** ANDed; there is no OR (two queries merged by ID). */
  filters?: NavigatorFilter[];
  /** Default: by `ID` ascending (stable paging). */
  sort?: NavigatorSort[];
  /** The setting that named the class (e.g. `navigators.main.classes.computer`): named when Navigator has no such class or field. */
  setting?: string;
}

/** Optional per-call options of writes, checks and dictionaries. */
export interface CallOptions {
  /** The setting that named the action, class or field (e.g. `navigators.main.templates.computer`): a fatal setup error names it. */
  setting?: string;
}

/** Where the client's log lines go (an activity's logger by default; none outside an activity). */
export interface NavigatorLogger {
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
}

/** What a create or a step action came to. */
export type WriteOutcome =
  | { outcome: 'done'; objectId: string; objectOid: string }
  /** Navigator answered for this record: `success`/`Succeed` false, or a per-record 4xx (mandatory field, bad value, action not open, view-only record). */
  | { outcome: 'refused'; errorText: string; errorCode?: number | undefined; status?: number | undefined }
  /** The request was sent and no answer came back (connection dropped, timeout): it may have been committed. */
  | { outcome: 'unknown'; reason: string };

export interface NavigatorClientOptions {
  /** The navigator's id in the configuration: names the settings in error messages and labels metrics. */
  navigatorId: string;
  /** The API's base URL, e.g. `https://navigator.example.com/api` (no version: the client adds `v2`). */
  apiUrl: string;
  clientId: string;
  /** The resolved Application secret. Lives only in worker memory; never logged, never in an error message. */
  clientSecret: string;
  /** Per-request timeout (ms). Default 30 000. */
  timeoutMs?: number;
  /** Rate ceiling (requests/s) over this client's calls. Default 20. */
  requestsPerSecond?: number;
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
  /** Rows asked for per listing call. Default 200. */
  pageSize?: number;
  /** Renew the token when it has less than this left (ms). Default 5 minutes. */
  refreshMarginMs?: number;
  /** The job the calls are for: their metrics' `job` label. */
  jobId?: string;
  /** Log lines (token issued, denied, throttled, answer lost): never a secret or a token. Default: the activity's logger. */
  logger?: NavigatorLogger;
}

export interface NavigatorClient {
  /** Get a token now (cached per Navigator; renewed before `expires_in`). Throws BadCredentials naming the navigator's clientId/clientSecret. */
  authenticate(): Promise<void>;
  /** One listing call (`POST v2/<Class>`). A short page proves nothing: page until an empty one. */
  listPage(params: ListParams & { offset: number; limit: number }): Promise<NavigatorRow[]>;
  /** Every row, page by page (offset advanced by the rows received) until an empty page. */
  listAll(params: ListParams): AsyncIterable<NavigatorRow[]>;
  /** `GET v2/object/<oid>`: its fields by name; undefined on "Object … not found.". */
  getObject(oidOrGuid: string): Promise<NavigatorRow | undefined>;
  /** `POST v2` with `{ActionId, Fields}`: runs the create action (a Template). */
  create(actionId: string, fields: Record<string, string>, opts?: CallOptions): Promise<WriteOutcome>;
  /** `POST v2/object/<oid>/action/<actionId>` with a flat body of form fields. */
  stepAction(
    oid: string,
    actionId: string,
    fields: Record<string, string>,
    opts?: CallOptions,
  ): Promise<WriteOutcome>;
  /** `GET v2/object/<oid>/action/<actionId>/check`: is the action open for this object now (diagnosis). */
  checkAction(oid: string, actionId: string, opts?: CallOptions): Promise<boolean>;
  /** The values a classification field (Status, Type) of a class accepts. */
  dictionary(className: string, field: string, opts?: CallOptions): Promise<string[]>;
  /** Calls made so far (token requests included), write calls (creates + step actions), 429s met. */
  readonly apiCalls: number;
  readonly writeCalls: number;
  readonly throttled: number;
  readonly tokenRequests: number;
}
