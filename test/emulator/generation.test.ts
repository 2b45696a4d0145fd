import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JUNK_SERIALS, startEmulator, type Emulator, type EmulatedSite } from '../../emulator';
import { api, get, login, walk, type Json, type Page } from './helpers';

const RFC4122 = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('emulator inventory generation', () => {
  let a: Emulator;
  let b: Emulator;
  let site: EmulatedSite;
  let twin: EmulatedSite;
  let token: string;
  let twinToken: string;

  before(async () => {
    [a, b] = await Promise.all([startEmulator(), startEmulator()]);
    site = a.addSite({ name: 'gen', seed: 7, devices: 1200 });
    twin = b.addSite({ name: 'gen', seed: 7, devices: 1200 });
    [token, twinToken] = [(await login(site)).token, (await login(twin)).token];
  });
  after(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('serves the same first page and device detail for the same name and seed', async () => {
    const [p1, p2] = [
      await get<Page>(site, token, '/api/v1/devices'),
      await get<Page>(twin, twinToken, '/api/v1/devices'),
    ];
    assert.deepEqual(p1, p2);
    assert.equal(p1.items.length, 50, 'limit defaults to 50');
    const id = String(p1.items[3]?.id);
    assert.deepEqual(
      await get(site, token, `/api/v1/devices/${id}`),
      await get(twin, twinToken, `/api/v1/devices/${id}`),
    );
  });

  it('serves different data for a different seed', async () => {
    const other = a.addSite({ name: 'gen-other', seed: 8, devices: 10 });
    const t = (await login(other)).token;
    const [p1, p2] = [
      await get<Page>(site, token, '/api/v1/devices?limit=10'),
      await get<Page>(other, t, '/api/v1/devices'),
    ];
    assert.notDeepEqual(p1.items, p2.items);
  });

  it('pages over every device exactly once, in the order of deviceIds()', async () => {
    const seen = await walk(site, token, '/api/v1/devices', 137);
    const ids = seen.map((d) => String(d.id));
    assert.equal(ids.length, 1200);
    assert.equal(new Set(ids).size, 1200);
    assert.deepEqual(ids, site.deviceIds());
  });

  it('caps limit at maxPageSize and answers an empty page past the end', async () => {
    const page = await get<Page>(site, token, '/api/v1/devices?limit=100000');
    assert.equal(page.items.length, 500);
    const end = await get<Page>(site, token, '/api/v1/devices?offset=1200');
    assert.deepEqual(end, { items: [], total: 1200 });
    assert.equal((await api(site, token, '/api/v1/devices?limit=0')).status, 400);
    assert.equal((await api(site, token, '/api/v1/devices?offset=-1')).status, 400);
  });

  it('uses opaque UUID-looking ids without guaranteed RFC 4122 bits, and 404s unknown ones', async () => {
    const ids = site.deviceIds({ limit: 50 });
    assert.ok(ids.every((id) => /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/.test(id)));
    assert.ok(
      ids.some((id) => !RFC4122.test(id)),
      'some ids must fail a strict RFC 4122 validator',
    );
    const first = ids[0] ?? '';
    const tampered = `${first.slice(0, 9)}${first[9] === 'a' ? 'b' : 'a'}${first.slice(10)}`;
    const res = await api(site, token, `/api/v1/devices/${tampered}`);
    assert.equal(res.status, 404);
    assert.equal(res.body.error, 'not_found');
    assert.equal(
      (await api(site, token, '/api/v1/devices/00000000-0000-0000-0000-000000999999')).status,
      404,
    );
  });

  it('generates realistic field gaps: missing/empty strings, printers without serial, junk and duplicate serials, extra fields', async () => {
    const all = await walk(site, token, '/api/v1/devices', 500);
    const printers = all.filter((d) => d.type === 'printer');
    assert.ok(printers.length > 0 && printers.every((d) => d.serialNumber === undefined));
    assert.ok(all.some((d) => d.dnsName === undefined) && all.some((d) => d.dnsName === ''));
    assert.ok(all.some((d) => d.macAddress === undefined || d.macAddress === ''));
    assert.ok(all.some((d) => typeof d.serialNumber === 'string' && JUNK_SERIALS.includes(d.serialNumber)));
    const serials = all
      .map((d) => d.serialNumber)
      .filter((s) => typeof s === 'string' && !JUNK_SERIALS.includes(s));
    assert.ok(new Set(serials).size < serials.length, 'some devices share a serial');
    assert.ok(
      all.some((d) => 'osHint' in d),
      'some records carry an unknown extra field',
    );
    const types = new Set(all.map((d) => d.type));
    for (const t of ['computer', 'printer', 'network-device', 'vmware-esxi']) assert.ok(types.has(t), t);
  });

  it('filters by type with a total matching deviceCount', async () => {
    const page = await get<Page>(site, token, '/api/v1/devices?type=printer&limit=500');
    assert.equal(page.total, site.deviceCount({ types: ['printer'] }));
    assert.ok(page.items.every((d) => d.type === 'printer'));
    const q = await get<Page>(
      site,
      token,
      `/api/v1/devices?q=${encodeURIComponent(String(page.items[0]?.name))}`,
    );
    assert.ok(q.items.some((d) => d.id === page.items[0]?.id));
  });

  it('serves snapshots newest first, the current one being the device auditId', async () => {
    const ids = site.deviceIds({ limit: 40 });
    for (const id of ids) {
      const detail = await get(site, token, `/api/v1/devices/${id}`);
      const list = await get<Page>(site, token, `/api/v1/devices/${id}/snapshots`);
      assert.equal(list.items[0]?.id, detail.auditId);
      const dates = list.items.map((s) => String(s.auditDate));
      assert.deepEqual(dates, [...dates].sort().reverse());
      const snap = await get(site, token, `/api/v1/snapshots/${String(detail.auditId)}`);
      assert.deepEqual(snap, list.items[0]);
      const software = snap.software as Json[];
      assert.equal((detail.auditSummary as Json).softwareCount, software.length);
      assert.equal(new Set(software.map((s) => s.productId)).size, software.length, 'no duplicate productId');
    }
  });

  it('reaudit gives a new auditId, auditDate and lastSeen and changes the software', async () => {
    const id = site.deviceIds({ limit: 1, offset: 5 })[0] ?? '';
    const before = await get(site, token, `/api/v1/devices/${id}`);
    const oldSnap = await get(site, token, `/api/v1/snapshots/${String(before.auditId)}`);
    site.reaudit([id]);
    const after = await get(site, token, `/api/v1/devices/${id}`);
    assert.notEqual(after.auditId, before.auditId);
    assert.ok(String(after.auditDate) > String(before.auditDate));
    assert.ok(String(after.lastSeen) > String(before.lastSeen));
    const newSnap = await get(site, token, `/api/v1/snapshots/${String(after.auditId)}`);
    assert.notDeepEqual(newSnap.software, oldSnap.software);
    assert.deepEqual(
      await get(site, token, `/api/v1/snapshots/${String(before.auditId)}`),
      oldSnap,
      'older snapshot still served',
    );
  });

  it('DELETE removes a device: 204, then 404, skipped by the list', async () => {
    const id = site.deviceIds({ offset: 10, limit: 1 })[0] ?? '';
    assert.equal((await api(site, token, `/api/v1/devices/${id}`, 'DELETE')).status, 204);
    assert.equal((await api(site, token, `/api/v1/devices/${id}`, 'DELETE')).status, 404);
    assert.equal((await api(site, token, `/api/v1/devices/${id}`)).status, 404);
    const all = await walk(site, token, '/api/v1/devices', 500);
    assert.equal(all.length, 1199);
    assert.ok(!all.some((d) => d.id === id));
    const added = site.addDevices(3);
    const tail = await get<Page>(site, token, '/api/v1/devices?offset=1199');
    assert.deepEqual(
      tail.items.map((d) => d.id),
      added,
    );
  });
});
