/**
 * Every AlloyScan path and wire field name the emulator serves, in one module (see
 * docs/alloyscan-api.md). Choices made where the API doc is silent:
 *
 * - Token: both paths served unless the site's `tokenPaths` says otherwise (an unserved
 *   path answers 404). Form-urlencoded only: any other body (JSON included) → 400
 *   `invalid_request`; grant_type ≠ client_credentials → 400 `unsupported_grant_type`;
 *   no client_id → 400 `invalid_request` (nothing to attribute, no Security-log event).
 *   `scope` is accepted and ignored; HTTP Basic client auth is not accepted.
 * - Unknown client or wrong secret → 401 `invalid_client`; disabled registration → 403
 *   `registration_disabled`; expired → 403 `registration_expired`. Each of these records
 *   one "Service authentication failed" Security-log event with the reason. Bearer
 *   failures on API calls are not Security-log events.
 * - API calls: missing/unknown/expired/revoked token, or one of a deleted registration →
 *   401 `invalid_token` (+ WWW-Authenticate); a token whose registration was later
 *   disabled/expired → 403 `registration_disabled` / `registration_expired`. Error bodies
 *   are `{ error, message }`. An unknown site → 404.
 * - Paging: `limit` default 50, capped at the site's maxPageSize (500); limit < 1, offset
 *   < 0 or non-integers → 400 `invalid_request`. Devices list in creation order (added
 *   devices last, deleted ones skipped). Device string fields may be missing or "".
 *   Some records carry an unknown extra field `osHint`.
 * - Device detail: `auditSummary: { softwareCount, snapshotCount, operatingSystem }`.
 * - Snapshots: the device's list returns full snapshot objects (same shape as GET
 *   /snapshots/{id}), newest first, `{ items, total }`, filtered by from/to/source. Every
 *   snapshot of a live device is served (older ones with the software of that audit);
 *   snapshots of deleted devices → 404. Printers have no platform and no software; about
 *   half of ESXi hosts and 15% of network devices report software, with platform Linux.
 * - Installation `version` is the installed build: a reaudit may bump it under the same
 *   productId (a product is a name + version line). `installDate` (YYYY-MM-DD) is sent
 *   for Windows and macOS installs only.
 * - Software: `groupBy` other than name-version → 400; `installations` = live devices
 *   whose current snapshot holds the product. Software groups: Regular, Required,
 *   Forbidden and any other group in use; 404 when the site has no such endpoint.
 * - Workload limits (site option `workloadLimit`, none by default): fixed wall-clock windows
 *   (this second, this minute) counting token requests too, checked before faults and the
 *   bearer check; a rejected request does not count; Retry-After = whole seconds until the
 *   full window ends (at least 1), no header with `retryAfter: false`.
 * - Faults apply to /api/v1 requests only (not token requests), before the bearer check;
 *   half the dropped connections are dropped after the request was processed.
 *   Malformed records: device list items and device detail (by device id), software list
 *   items and detail (by product id); snapshots are never malformed.
 * - Data and ids are a pure function of (site name, seed). Audit dates are anchored on a
 *   fixed instant (2025-06-01), not the clock; each reaudit adds one day. Token errors
 *   carry OAuth's `error_description`; API errors carry `message`.
 */
import type { FastifyInstance } from 'fastify';
import { apiRoute, errorBody, intParam, type Query, type SiteLookup } from './api-gate';
import { bumpedVersion, findProduct, type Product } from './catalog';
import { deviceFilter, productFilter, snapshotFilter } from './filters';
import { hardwareOf, osOf } from './hardware';
import type { DeviceModel } from './inventory';
import type { Site } from './site';
import {
  currentSnapshot,
  installDate,
  parseSnapshotId,
  snapshotAt,
  snapshotCount,
  softwareAt,
  type SnapshotModel,
} from './snapshots';
import { registerTokenRoutes } from './token-route';

export const PATHS = {
  tokenCurrent: '/api/oauth/token',
  tokenLegacy: '/identity-server/connect/token',
  devices: '/api/v1/devices',
  device: '/api/v1/devices/:id',
  deviceSnapshots: '/api/v1/devices/:id/snapshots',
  snapshot: '/api/v1/snapshots/:id',
  software: '/api/v1/software',
  product: '/api/v1/software/:id',
  softwareGroups: '/api/v1/software-groups',
} as const;

const NOT_FOUND = { status: 404, body: errorBody('not_found', 'not found') };

function deviceJson(d: DeviceModel): Record<string, unknown> {
  const { id, name, dnsName, macAddress, ipAddress, serialNumber, assetTag, type, lastSeen, tags, osHint } =
    d;
  return { id, name, dnsName, macAddress, ipAddress, serialNumber, assetTag, type, lastSeen, tags, osHint };
}

function deviceDetailJson(site: Site, index: number): Record<string, unknown> {
  const gen = site.store.genOf(index);
  const snap = currentSnapshot(site.inv, index, gen);
  return {
    ...deviceJson(site.inv.device(index, gen)),
    auditId: snap.id,
    auditDate: new Date(snap.auditMs).toISOString(),
    auditSource: snap.auditSource,
    auditSummary: {
      softwareCount: softwareAt(site.inv, index, gen).length,
      snapshotCount: snapshotCount(site.inv, index, gen),
      operatingSystem: osOf(site.inv, index)?.name,
    },
  };
}

function snapshotJson(site: Site, snap: SnapshotModel): Record<string, unknown> {
  const i = snap.deviceIndex;
  const os = osOf(site.inv, i);
  const software = softwareAt(site.inv, i, snap.softwareGen).map((item) => {
    const p = site.catalog[item.product];
    const version = p && bumpedVersion(p.version, item.bumps);
    const date = installDate(site.inv, i, item, os?.platform);
    return { productId: p?.id, name: p?.name, version, publisher: p?.publisher, installDate: date };
  });
  const auditDate = new Date(snap.auditMs).toISOString();
  const base = { id: snap.id, deviceId: site.inv.deviceId(i), auditDate, auditSource: snap.auditSource };
  return { ...base, operatingSystem: os, hardware: hardwareOf(site.inv, i), software };
}

function productJson(site: Site, p: Product): Record<string, unknown> {
  const { id, name, version, publisher, group } = p;
  const json = {
    id,
    name,
    version,
    publisher,
    softwareGroup: group,
    installations: site.store.installationsOf(p.index),
  };
  return site.faults.apply(json, id, 'name');
}

function paging(site: Site, q: Query): { offset: number; limit: number } {
  return {
    offset: intParam(q, 'offset', 0, 0),
    limit: Math.min(intParam(q, 'limit', 50, 1), site.opts.maxPageSize),
  };
}

function registerDeviceRoutes(app: FastifyInstance, lookup: SiteLookup): void {
  apiRoute(app, lookup, 'GET', PATHS.devices, 'devices.list', (site, _p, q) => {
    const { offset, limit } = paging(site, q);
    const { indices, total } = site.store.page(offset, limit, deviceFilter(site, q));
    const items = indices.map((i) => {
      const json = deviceJson(site.inv.device(i, site.store.genOf(i)));
      return site.faults.apply(json, site.inv.deviceId(i), 'name');
    });
    site.churn.afterList(indices); // a site changing while it is read (churn.ts)
    return { status: 200, body: { items, total } };
  });
  apiRoute(app, lookup, 'GET', PATHS.device, 'devices.get', (site, p) => {
    const index = site.store.indexOf(p.id ?? '');
    if (index === undefined) return NOT_FOUND;
    return {
      status: 200,
      body: site.faults.apply(deviceDetailJson(site, index), site.inv.deviceId(index), 'name'),
    };
  });
  apiRoute(app, lookup, 'DELETE', PATHS.device, 'devices.delete', (site, p) => {
    const index = site.store.indexOf(p.id ?? '');
    return index !== undefined && site.store.delete(index) ? { status: 204 } : NOT_FOUND;
  });
}

function registerSnapshotRoutes(app: FastifyInstance, lookup: SiteLookup): void {
  apiRoute(app, lookup, 'GET', PATHS.deviceSnapshots, 'snapshots.list', (site, p, q) => {
    const index = site.store.indexOf(p.id ?? '');
    if (index === undefined) return NOT_FOUND;
    const { offset, limit } = paging(site, q);
    const gen = site.store.genOf(index);
    const keep = snapshotFilter(q);
    const all: SnapshotModel[] = [];
    for (let n = snapshotCount(site.inv, index, gen) - 1; n >= 0; n--) {
      const snap = snapshotAt(site.inv, index, n, gen);
      if (snap && keep(snap)) all.push(snap);
    }
    const items = all.slice(offset, offset + limit).map((s) => snapshotJson(site, s));
    return { status: 200, body: { items, total: all.length } };
  });
  apiRoute(app, lookup, 'GET', PATHS.snapshot, 'snapshots.get', (site, p) => {
    const ref = parseSnapshotId(site.inv, p.id ?? '');
    const snap =
      ref &&
      site.store.isLive(ref.index) &&
      snapshotAt(site.inv, ref.index, ref.number, site.store.genOf(ref.index));
    return snap ? { status: 200, body: snapshotJson(site, snap) } : NOT_FOUND;
  });
}

function registerSoftwareRoutes(app: FastifyInstance, lookup: SiteLookup): void {
  apiRoute(app, lookup, 'GET', PATHS.software, 'software.list', (site, _p, q) => {
    const { offset, limit } = paging(site, q);
    const matching = site.catalog.filter(productFilter(q));
    const items = matching.slice(offset, offset + limit).map((prod) => productJson(site, prod));
    return { status: 200, body: { items, total: matching.length } };
  });
  apiRoute(app, lookup, 'GET', PATHS.product, 'software.get', (site, p) => {
    const product = findProduct(site.catalog, site.inv.seed, p.id ?? '');
    return product ? { status: 200, body: productJson(site, product) } : NOT_FOUND;
  });
  apiRoute(app, lookup, 'GET', PATHS.softwareGroups, 'software-groups.list', (site) => {
    if (!site.opts.softwareGroupsEndpoint) return NOT_FOUND;
    const items = site.softwareGroups().map((g) => ({ name: g.name, trackInNavigator: g.track }));
    return { status: 200, body: { items } };
  });
}

/** Registers the token endpoints and every /api/v1 route of every site. */
export function registerSiteRoutes(app: FastifyInstance, lookup: SiteLookup): void {
  registerTokenRoutes(app, lookup, { current: PATHS.tokenCurrent, legacy: PATHS.tokenLegacy });
  registerDeviceRoutes(app, lookup);
  registerSnapshotRoutes(app, lookup);
  registerSoftwareRoutes(app, lookup);
}
