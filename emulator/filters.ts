/**
 * Query filters of the list endpoints. Without a filter, device listing is O(page);
 * with one (type, tag, q), it scans the live devices (generation is cheap: ~1 ms per
 * 100k devices for `type`, more for `q`, which builds each device).
 */
import { BadRequest, queryValue, type Query } from './api-gate';
import type { DeviceFilter } from './device-store';
import type { Product } from './catalog';
import type { Site } from './site';
import type { SnapshotModel } from './snapshots';

function textOf(values: (string | undefined)[]): string {
  return values
    .filter((v) => v !== undefined && v !== '')
    .join('\n')
    .toLowerCase();
}

/** `type` (exact), `tag` (name, case-insensitive, or id) and `q` (substring of name, DNS, MAC, IP, serial, asset tag). */
export function deviceFilter(site: Site, q: Query): DeviceFilter | undefined {
  const type = queryValue(q, 'type');
  const tag = queryValue(q, 'tag')?.toLowerCase();
  const text = queryValue(q, 'q')?.toLowerCase();
  const checks: DeviceFilter[] = [];
  if (type) checks.push((i) => site.inv.typeOf(i) === type);
  if (tag || text) {
    checks.push((i) => {
      const d = site.inv.device(i, site.store.genOf(i));
      if (tag && !d.tags.some((t) => t.id.toLowerCase() === tag || t.name.toLowerCase() === tag))
        return false;
      if (!text) return true;
      return textOf([d.name, d.dnsName, d.macAddress, d.ipAddress, d.serialNumber, d.assetTag]).includes(
        text,
      );
    });
  }
  if (checks.length === 0) return undefined;
  return (i) => checks.every((c) => c(i));
}

function dateParam(q: Query, name: string): number | undefined {
  const raw = queryValue(q, name);
  if (raw === undefined || raw === '') return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw new BadRequest(`${name} must be an ISO 8601 date`);
  return ms;
}

/** `from` / `to` (inclusive, on auditDate) and `source` (auditSource, case-insensitive). */
export function snapshotFilter(q: Query): (s: SnapshotModel) => boolean {
  const from = dateParam(q, 'from');
  const to = dateParam(q, 'to');
  const source = queryValue(q, 'source')?.toLowerCase();
  return (s) =>
    (from === undefined || s.auditMs >= from) &&
    (to === undefined || s.auditMs <= to) &&
    (!source || s.auditSource.toLowerCase() === source);
}

/** `softwareGroup` (exact, case-insensitive), `q` (substring of name or publisher), `groupBy` (name-version only). */
export function productFilter(q: Query): (p: Product) => boolean {
  const groupBy = queryValue(q, 'groupBy');
  if (groupBy !== undefined && groupBy !== 'name-version') {
    throw new BadRequest('groupBy: only "name-version" is supported by this site');
  }
  const group = queryValue(q, 'softwareGroup')?.toLowerCase();
  const text = queryValue(q, 'q')?.toLowerCase();
  return (p) =>
    (!group || p.group.toLowerCase() === group) && (!text || textOf([p.name, p.publisher]).includes(text));
}
