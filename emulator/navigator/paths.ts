/**
 * Every path, class name, field name, action ID and message default of the Alloy Navigator
 * Express emulator, in one module (facts: docs/navigator-api.md; the team's navigator-api.md).
 * Choices made where the vendor's docs are silent (shared with the API client):
 *
 * - Base path `/api` (configurable); `v2` or no version segment (= v2); `v1` → 404.
 * - Token: `POST <base>/token`, form-encoded only; bad client id or secret → 400
 *   `{"error":"invalid_client"}`, another grant type → 400 `unsupported_grant_type`, not a
 *   form → 400 `invalid_request`; answer `{access_token, token_type:"bearer", expires_in}`,
 *   8 h by default. Application IDs are lower-case GUIDs (a registration may bring its own).
 * - Every other answer is the envelope `{success, errorCode, errorText, responseObject}`.
 *   errorCode mirrors the HTTP status the emulator would send (401, 400, 404, 429, 500,
 *   503); a per-record refusal (mandatory field, bad value, view-only record) is HTTP 200
 *   with errorCode 422. With `errorsAsHttp200` every one of them is sent as HTTP 200.
 * - Class names, field names and operators match case-insensitively (SQL Server's default
 *   collation); answers use the canonical spelling below.
 * - Listing: default order ID ascending, GUIDs compared as lower-case text; sort ties broken
 *   by ID; empty values sort first ascending. Dates: a partial value (`YYYY`, `YYYY-MM`,
 *   `YYYY-MM-DD`, in the Navigator's time zone) or a full one (to the second) names a period:
 *   `=` inside, `<>` outside, `>` after its end, `>=` from its start, `<` before its start,
 *   `<=` before its end. `>`, `>=`, `<`, `<=` on a text field → 400. `searchText`: a
 *   case-insensitive substring of the class's search fields. GET filters are `=`.
 *   A short page (shortPageRate) holds at least one row while rows remain.
 * - Dictionaries: `GET <base>/v2/<Class>/Dictionary/<Field>` → a listing answer with `ID`
 *   and `Name`. Persons' Status: Active, Inactive (default Active).
 * - Values written are strings (numbers and booleans are turned into text, null into "");
 *   dates are W3C DateTime (`YYYY-MM-DD` = midnight in the Navigator's time zone), stored in
 *   UTC; references hold an OID (Assigned_To a Person's, Computer a Computer's or Inventory
 *   Item's) or, for Product, a product GUID; a bad one is refused like a bad classification.
 *   ID, OID, Created_Date and Modified_Date are read-only: `Field "ID" is read-only.`
 * - Step actions: Update takes every writable field but Status; Retire takes Notes only and
 *   sets Status=Retired (view-only afterwards); Mark Missing takes Status, Missing_Since and
 *   Notes, sets Status=Missing unless given one, and Missing_Since to now when the record has
 *   none and none is given; Clear Missing (the device was found again) takes the same form,
 *   sets Status=Active when it is Missing (a status a user chose since stays) unless given one,
 *   and clears Missing_Since. A field outside the action's form → `Field "<x>" cannot be set
 *   by this action.`
 * - Random faults (rates) never touch the token endpoint; `failNext` without a route arms
 *   the next API calls except token requests (name `route: 'token'` to fault those); an armed
 *   5xx answers 503, an armed lost answer on a read drops the socket after the handler. Faults
 *   and the workload limit come before the bearer check, as a gateway in front would.
 */

export const DEFAULT_BASE_PATH = '/api';
export const API_VERSION = 'v2';
export const TOKEN_PATH = '/token';
export const OBJECT_SEGMENT = 'object';
export const ACTION_SEGMENT = 'action';
export const CHECK_SEGMENT = 'check';
export const DICTIONARY_SEGMENT = 'Dictionary';
export const ADMIN_PREFIX = '/admin';

export const DEFAULT_TOKEN_TTL_SECONDS = 8 * 3600;
export const DEFAULT_PAGE_CAP = 500;
export const DEFAULT_TIME_ZONE_OFFSET = '-07:00';

export const CLASS_KINDS = [
  'computer',
  'inventoryItem',
  'person',
  'softwareProduct',
  'softwareInstallation',
] as const;
export type ClassKind = (typeof CLASS_KINDS)[number];

export const DEFAULT_CLASS_NAMES: Record<ClassKind, string> = {
  computer: 'Computers',
  inventoryItem: 'InventoryItems',
  person: 'Persons',
  softwareProduct: 'SoftwareProducts',
  softwareInstallation: 'SoftwareInstallations',
};

export const DEFAULT_TEMPLATES = {
  computer: '301',
  inventoryItem: '302',
  person: '303',
  softwareInstallation: '304',
} as const;

export const DEFAULT_ACTIONS = {
  updateComputer: '401',
  updateInventoryItem: '402',
  retireComputer: '403',
  retireInventoryItem: '404',
  markMissingComputer: '405',
  markMissingInventoryItem: '406',
  clearMissingComputer: '407',
  clearMissingInventoryItem: '408',
} as const;

export const STATUS = {
  autoAdded: 'Auto-Added',
  active: 'Active',
  inUse: 'In Use',
  missing: 'Missing',
  retired: 'Retired',
  inactive: 'Inactive',
} as const;

export const ASSET_STATUSES = [STATUS.autoAdded, STATUS.active, STATUS.inUse, STATUS.missing, STATUS.retired];
export const PERSON_STATUSES = [STATUS.active, STATUS.inactive];
export const ITEM_TYPES = ['Computer Peripheral', 'Printer', 'Network Device', 'Mobile Device', 'Other'];

/** Every errorText the emulator sends, in one place. */
export const MESSAGES = {
  denied: 'Authorization has been denied for this request.',
  classNotFound: (c: string) => `Object class "${c}" not found.`,
  fieldNotFound: (f: string) => `Field "${f}" not found.`,
  objectNotFound: (oid: string) => `Object ${oid} not found.`,
  actionNotFound: (id: string) => `Action ${id} not found.`,
  mandatory: (f: string) => `Field "${f}" is mandatory.`,
  invalidValue: (v: string, f: string) => `"${v}" is not a valid value for ${f}.`,
  readOnly: (f: string) => `Field "${f}" is read-only.`,
  notOnForm: (f: string) => `Field "${f}" cannot be set by this action.`,
  notAvailable: 'The action is not available for this object.',
  badOperation: (op: string) => `Operation "${op}" is not supported.`,
  operationOnText: (op: string, f: string) => `Operation "${op}" cannot be applied to field "${f}".`,
  notClassification: (f: string) => `Field "${f}" is not a classification field.`,
  badRequest: (what: string) => `The request is invalid: ${what.replace(/\.$/, '')}.`,
  versionNotFound: (v: string) => `API version "${v}" is not supported.`,
  routeNotFound: 'No HTTP resource was found that matches the request URI.',
  throttled: 'The API workload limit has been exceeded. Try again later.',
  internal: 'An unexpected error occurred.',
  unavailable: 'The service is temporarily unavailable.',
} as const;

export const ERROR_CODES = {
  badRequest: 400,
  denied: 401,
  notFound: 404,
  refused: 422,
  throttled: 429,
} as const;

/** How a field's value is kept, checked and formatted. */
export type FieldType = 'guid' | 'oid' | 'text' | 'date' | 'classification' | 'reference';

const ASSET_FIELDS = {
  DNS_Name: 'text',
  IP_Address: 'text',
  MAC_Address: 'text',
  Serial_Num: 'text',
  Asset_Tag: 'text',
  Manufacturer: 'text',
  Model: 'text',
} as const;
const AUDIT_FIELDS = { Last_Audit_Date: 'date', Audit_ID: 'text', Missing_Since: 'date' } as const;
const DATES = { Created_Date: 'date', Modified_Date: 'date' } as const;

/** Fields by physical name, in answer order, per class. */
export const FIELDS: Record<ClassKind, Record<string, FieldType>> = {
  computer: {
    ID: 'guid',
    OID: 'oid',
    Name: 'text',
    Status: 'classification',
    ...ASSET_FIELDS,
    OS_Name: 'text',
    OS_Version: 'text',
    Platform: 'text',
    ...AUDIT_FIELDS,
    Notes: 'text',
    Location: 'text',
    Assigned_To: 'reference',
    ...DATES,
  },
  inventoryItem: {
    ID: 'guid',
    OID: 'oid',
    Name: 'text',
    Status: 'classification',
    Type: 'classification',
    ...ASSET_FIELDS,
    ...AUDIT_FIELDS,
    Notes: 'text',
    Location: 'text',
    ...DATES,
  },
  person: { ID: 'guid', OID: 'oid', Name: 'text', Email: 'text', Status: 'classification', ...DATES },
  softwareProduct: {
    ID: 'guid',
    Product_Name: 'text',
    Version: 'text',
    Manufacturer: 'text',
    Platform: 'text',
    Group: 'text',
  },
  softwareInstallation: {
    ID: 'guid',
    OID: 'oid',
    Computer: 'reference',
    Product: 'reference',
    Version: 'text',
    Install_Date: 'date',
    ...DATES,
  },
};

/** OID prefixes (then 6 digits); a class without one is addressed by GUID only and has no /object. */
export const OID_PREFIXES: Partial<Record<ClassKind, string>> = {
  computer: 'C',
  inventoryItem: 'HW',
  person: 'PN',
  softwareInstallation: 'SI',
};

export const READ_ONLY_FIELDS = ['ID', 'OID', 'Created_Date', 'Modified_Date'];

/** Text fields with an index for `=` filters (the rest are scanned). */
export const INDEXED_FIELDS = [
  'Name',
  'Status',
  'Type',
  'DNS_Name',
  'IP_Address',
  'MAC_Address',
  'Serial_Num',
  'Asset_Tag',
  'Audit_ID',
  'Email',
  'Product_Name',
  'Version',
  'Computer',
  'Product',
  'Assigned_To',
];

/** Fields `searchText` looks in. */
export const SEARCH_FIELDS = ['Name', 'DNS_Name', 'Serial_Num', 'Asset_Tag', 'Email', 'Product_Name'];

/** Classification fields and the values they accept. */
export const DICTIONARIES: Partial<Record<ClassKind, Record<string, readonly string[]>>> = {
  computer: { Status: ASSET_STATUSES },
  inventoryItem: { Status: ASSET_STATUSES, Type: ITEM_TYPES },
  person: { Status: PERSON_STATUSES },
};

/** What a reference field points at. */
export const REFERENCES: Record<string, readonly ClassKind[]> = {
  Assigned_To: ['person'],
  Computer: ['computer', 'inventoryItem'],
  Product: ['softwareProduct'],
};

/** Captions that are not the physical name with spaces for underscores. */
export const CAPTIONS: Record<string, string> = {
  Serial_Num: 'Serial Number',
  OS_Name: 'OS Name',
  OS_Version: 'OS Version',
  IP_Address: 'IP Address',
  MAC_Address: 'MAC Address',
  DNS_Name: 'DNS Name',
  Audit_ID: 'Audit ID',
};

/** Template (create action) defaults and mandatory fields, per class. */
export const TEMPLATE_RULES: Partial<
  Record<ClassKind, { defaults: Record<string, string>; mandatory: string[] }>
> = {
  computer: { defaults: { Status: STATUS.autoAdded }, mandatory: ['Name'] },
  inventoryItem: { defaults: { Status: STATUS.autoAdded, Type: ITEM_TYPES[0] ?? '' }, mandatory: ['Name'] },
  person: { defaults: { Status: STATUS.active }, mandatory: ['Name'] },
  softwareInstallation: { defaults: {}, mandatory: ['Computer', 'Product'] },
};
