/**
 * Deterministic, on-demand device generation: a device is a pure function of (site seed,
 * index, reaudit generation). Nothing is allocated per device; the site keeps only small
 * overlays (deleted set, reaudit generations) sized by the number of mutations.
 */
import { COMPUTER_TYPES } from '../common/domain';
import type { ResolvedSiteOptions } from './options';
import { fnv1a, hash3, makeId, parseId, pick, stream, unit3, weighted, type Weighted } from './prng';

export const ID_KIND_DEVICE = 1;
export const ID_KIND_SNAPSHOT = 2;
const ID_KIND_TAG = 4;

/** Salts: one per generated attribute, so attributes are independent. */
export const S = {
  type: 1,
  platform: 2,
  dns: 3,
  mac: 4,
  ip: 5,
  serial: 6,
  junk: 7,
  dup: 8,
  asset: 9,
  tags: 10,
  hint: 11,
  audit: 12,
  history: 13,
  source: 14,
  hasSw: 15,
  swCount: 16,
  swStart: 17,
  swStride: 18,
  reaudit: 19,
  install: 20,
  hw: 21,
  os: 22,
  seen: 23,
} as const;

export const JUNK_SERIALS = [
  'Default string',
  'To be filled by O.E.M.',
  'System Serial Number',
  '0',
  'N/A',
  '',
];
const TAG_NAMES = ['HQ', 'Branch Office', 'Servers', 'Finance', 'Lab', 'Remote'];
const SERIAL_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const DAY_MS = 86_400_000;
/** Audit dates are anchored on a fixed instant (not the wall clock) so output is reproducible. */
const EPOCH_MS = Date.UTC(2025, 5, 1);

export interface DeviceModel {
  index: number;
  id: string;
  name?: string;
  dnsName?: string;
  macAddress?: string;
  ipAddress?: string;
  serialNumber?: string;
  assetTag?: string;
  type: string;
  lastSeen: string;
  tags: { id: string; name: string }[];
  /** An attribute newer releases send: emitted as an unknown extra field. */
  osHint?: string;
}

/** Blank = missing or empty, chosen deterministically (a real site shows both). */
function blank(u: number): string | undefined {
  return u < 0.5 ? undefined : '';
}

export class Inventory {
  readonly seed: number;
  private readonly types: Weighted<string>;
  private readonly platforms: Weighted<string>;
  private readonly tags: { id: string; name: string }[];

  constructor(readonly opts: ResolvedSiteOptions) {
    this.seed = hash3(opts.seed, fnv1a(opts.name), 0);
    this.types = weighted(opts.typeMix);
    this.platforms = weighted(opts.platformMix);
    this.tags = TAG_NAMES.map((name, t) => ({ id: makeId(this.seed, ID_KIND_TAG, t), name }));
  }

  u(index: number, salt: number): number {
    return unit3(this.seed, index, salt);
  }

  deviceId(index: number): string {
    return makeId(this.seed, ID_KIND_DEVICE, index);
  }

  /** The index of a device id (not checked against the site's live range). */
  deviceIndex(id: string): number | undefined {
    const parsed = parseId(this.seed, ID_KIND_DEVICE, id);
    return parsed && parsed.extra === 0 ? parsed.index : undefined;
  }

  typeOf(index: number): string {
    return pick(this.types, this.u(index, S.type));
  }

  isComputer(index: number): boolean {
    return COMPUTER_TYPES.includes(this.typeOf(index));
  }

  /** Computers always; ESXi hosts half the time; other non-printers rarely. */
  hasSoftware(index: number): boolean {
    const type = this.typeOf(index);
    if (COMPUTER_TYPES.includes(type)) return true;
    if (type === 'printer') return false;
    return this.u(index, S.hasSw) < (type === 'vmware-esxi' ? 0.5 : 0.15);
  }

  /** The snapshot platform: weighted for computers, Linux for non-computers with software. */
  platformOf(index: number): string | undefined {
    if (this.isComputer(index)) return pick(this.platforms, this.u(index, S.platform));
    return this.hasSoftware(index) ? 'Linux' : undefined;
  }

  /** Current audit date (ms) after `gen` reaudits: one day per reaudit after the base audit. */
  auditMs(index: number, gen: number): number {
    const base = EPOCH_MS - Math.floor((this.u(index, S.audit) * 30 * DAY_MS) / 1000) * 1000;
    return base + gen * DAY_MS;
  }

  device(index: number, gen: number): DeviceModel {
    const type = this.typeOf(index);
    const name = this.nameOf(index, type);
    const u = (salt: number): number => this.u(index, salt);
    const dns =
      u(S.dns) < (type === 'printer' ? 0.5 : 0.12)
        ? blank(u(S.dns + 100))
        : `${name.toLowerCase()}.corp.example.com`;
    const mac = u(S.mac) < this.opts.missingMacRate ? blank(u(S.mac + 100)) : this.macOf(index);
    const seenOffset = Math.floor(u(S.seen) * 12 * 3600) * 1000;
    const device: DeviceModel = {
      index,
      id: this.deviceId(index),
      name,
      dnsName: dns,
      macAddress: mac,
      ipAddress: u(S.ip) < 0.02 ? blank(u(S.ip + 100)) : this.ipOf(index),
      serialNumber: this.serialOf(index, type),
      assetTag: u(S.asset) < 0.6 ? `AT-${String(100000 + index)}` : blank(u(S.asset + 100)),
      type,
      lastSeen: new Date(this.auditMs(index, gen) + seenOffset).toISOString(),
      tags: this.tags.filter((_, t) => (hash3(this.seed, index, S.tags) >>> (t * 3)) % 8 === 0),
    };
    if (u(S.hint) < 0.1) device.osHint = (this.platformOf(index) ?? type).toLowerCase();
    return device;
  }

  private nameOf(index: number, type: string): string {
    const n = String(index + 1).padStart(5, '0');
    if (type === 'printer') return `PRN-${n}`;
    if (type === 'network-device') return `SW-${n}`;
    if (type === 'vmware-esxi') return `ESX-${n}`;
    if (!COMPUTER_TYPES.includes(type)) return `DEV-${n}`;
    const platform = this.platformOf(index);
    if (platform === 'macOS') return `MAC-${n}`;
    if (platform === 'Linux') return `srv-${n}`;
    return this.u(index, S.platform + 100) < 0.4 ? `LT-${n}` : `WS-${n}`;
  }

  private macOf(index: number): string {
    const h = hash3(this.seed, index, S.mac + 200);
    const bytes = [0x00, 0x1a, (h >>> 24) & 255, (h >>> 16) & 255, (h >>> 8) & 255, h & 255];
    return bytes.map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
  }

  private ipOf(index: number): string {
    const host = (index % 254) + 1;
    const net = Math.floor(index / 254);
    return `10.${(net >>> 8) & 255}.${net & 255}.${host}`;
  }

  private rawSerial(index: number): string {
    const rng = stream(hash3(this.seed, index, S.serial));
    let s = '';
    for (let k = 0; k < 10; k++) s += SERIAL_CHARS[Math.floor(rng() * SERIAL_CHARS.length)] ?? 'X';
    return s;
  }

  /** Printers: none. Junk serials by rate; pairs (2p, 2p+1) share a serial by rate. */
  private serialOf(index: number, type: string): string | undefined {
    if (type === 'printer') return undefined;
    if (this.u(index, S.junk) < this.opts.junkSerialRate) {
      return JUNK_SERIALS[hash3(this.seed, index, S.junk + 100) % JUNK_SERIALS.length];
    }
    const pair = Math.floor(index / 2);
    if (unit3(this.seed, pair, S.dup) < this.opts.duplicateSerialRate) return this.rawSerial(pair * 2);
    return this.rawSerial(index);
  }
}
