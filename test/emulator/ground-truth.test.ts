import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type Emulator, type EmulatedSite } from '../../emulator';
import { get, login, walk, type Json, type Page } from './helpers';

interface Observed {
  devices: { id: string; type: string; platform?: string; productIds: string[] }[];
  groupOf: Map<string, string>;
  installationsOf: Map<string, number>;
  tracked: string[];
}

/** Reads the whole site the way a sync would: list → detail → current snapshot; catalog; groups. */
async function observe(site: EmulatedSite, token: string): Promise<Observed> {
  const devices: Observed['devices'] = [];
  for (const d of await walk(site, token, '/api/v1/devices', 25)) {
    const detail = await get(site, token, `/api/v1/devices/${String(d.id)}`);
    const snap = await get(site, token, `/api/v1/snapshots/${String(detail.auditId)}`);
    const os = snap.operatingSystem as Json | undefined;
    const productIds = (snap.software as Json[]).map((s) => String(s.productId));
    devices.push({
      id: String(d.id),
      type: String(d.type),
      platform: os?.platform as string | undefined,
      productIds,
    });
  }
  const products = await walk(site, token, '/api/v1/software', 100);
  const groups = await get<Page>(site, token, '/api/v1/software-groups');
  return {
    devices,
    groupOf: new Map(products.map((p) => [String(p.id), String(p.softwareGroup)])),
    installationsOf: new Map(products.map((p) => [String(p.id), Number(p.installations)])),
    tracked: groups.items.filter((g) => g.trackInNavigator === true).map((g) => String(g.name)),
  };
}

function count(
  o: Observed,
  opts: { platforms?: string[]; trackedGroups?: string[]; types?: string[] },
): { devices: number; installations: number } {
  const tracked = new Set(opts.trackedGroups ?? o.tracked);
  const kept = o.devices.filter((d) => !opts.types || opts.types.includes(d.type));
  let installations = 0;
  for (const d of kept) {
    if (opts.platforms && (d.platform === undefined || !opts.platforms.includes(d.platform))) continue;
    installations += d.productIds.filter((p) => tracked.has(o.groupOf.get(p) ?? '')).length;
  }
  return { devices: kept.length, installations };
}

const SCENARIOS = [
  {},
  { platforms: ['Windows'] },
  { platforms: ['Linux', 'macOS'] },
  { platforms: [] },
  { trackedGroups: ['Regular', 'Required'] },
  { types: ['computer'] },
  { types: ['vmware-esxi', 'network-device'], trackedGroups: ['Regular', 'Required', 'Forbidden'] },
];

describe('emulator ground truth', () => {
  let emu: Emulator;
  let site: EmulatedSite;
  let token: string;

  before(async () => {
    emu = await startEmulator();
    site = emu.addSite({
      name: 'truth',
      seed: 3,
      devices: 150,
      installationsPerDevice: 8,
      catalogSize: 120,
      typeMix: { computer: 60, printer: 10, 'network-device': 15, 'vmware-esxi': 15 },
    });
    token = (await login(site)).token;
  });
  after(async () => {
    await emu.close();
  });

  const compareAll = async (): Promise<Observed> => {
    const o = await observe(site, token);
    for (const s of SCENARIOS) assert.deepEqual(site.groundTruth(s), count(o, s), JSON.stringify(s));
    return o;
  };

  it('matches what walking the HTTP API finds, for every filter combination', async () => {
    const o = await compareAll();
    assert.ok(site.groundTruth().installations > 0);
    assert.equal(site.groundTruth({ platforms: [] }).installations, 0);
    assert.ok(
      o.devices.some((d) => d.type !== 'computer' && d.productIds.length > 0 && d.platform === 'Linux'),
    );
    assert.ok(
      o.devices.filter((d) => d.type === 'printer').every((d) => d.productIds.length === 0 && !d.platform),
    );
  });

  it('reports per-product installations equal to the devices holding the product', async () => {
    const o = await observe(site, token);
    const held = new Map<string, number>();
    for (const d of o.devices) for (const p of d.productIds) held.set(p, (held.get(p) ?? 0) + 1);
    for (const [id, n] of o.installationsOf) assert.equal(n, held.get(id) ?? 0, id);
  });

  it('still matches after tracking, group, reaudit, delete and add mutations', async () => {
    const o = await observe(site, token);
    site.setTracking('Regular', true);
    const [first] = o.groupOf.keys();
    site.setProductGroup(first ?? '', 'Forbidden');
    const ids = site.deviceIds();
    site.reaudit(ids.slice(0, 30));
    site.reaudit(ids.slice(0, 5));
    site.deleteDevices(ids.slice(40, 50));
    site.addDevices(12);
    const after = await compareAll();
    assert.equal(after.devices.length, 152);
    assert.equal(after.groupOf.get(first ?? ''), 'Forbidden');
    assert.ok(after.tracked.includes('Regular'));
  });
});
