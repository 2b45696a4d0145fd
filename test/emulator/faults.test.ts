import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type Emulator, type EmulatedSite } from '../../emulator';
import { api, get, login, walk, type Json, type Page } from './helpers';

const HUGE = 64 * 1024;

/** True when a device/product record would pass a strict client schema (extra fields ignored). */
function isValidRecord(r: Json): boolean {
  return typeof r.id === 'string' && typeof r.name === 'string' && r.name.length <= HUGE;
}

describe('emulator fault injection', () => {
  let emu: Emulator;
  let site: EmulatedSite;
  let token: string;

  before(async () => {
    emu = await startEmulator();
    site = emu.addSite({ name: 'faults', devices: 400 });
    token = (await login(site)).token;
  });
  after(async () => {
    await emu.close();
  });

  it('answers 429 with the documented body and a Retry-After header', async () => {
    site.setFaults({ rate429: 1, retryAfterSeconds: 2 });
    const res = await api(site, token, '/api/v1/devices');
    assert.equal(res.status, 429);
    assert.deepEqual(res.body, { error: 'rate_limited', message: 'API workload limit exceeded' });
    assert.equal(res.headers.get('retry-after'), '2');
    site.setFaults({ rate429: 1, retryAfterSeconds: -1 });
    assert.equal((await api(site, token, '/api/v1/devices')).headers.get('retry-after'), null);
    site.setFaults({});
  });

  it('leaves token requests alone', async () => {
    site.setFaults({ rate429: 1, rate5xx: 1, dropRate: 1 });
    const again = await login(site);
    assert.equal(typeof again.token, 'string');
    site.setFaults({});
  });

  it('injects 500/503, drops and delays, and counts them', async () => {
    site.resetStats();
    site.setFaults({ rate5xx: 1 });
    assert.ok([500, 503].includes((await api(site, token, '/api/v1/devices')).status));
    site.setFaults({ dropRate: 1 });
    await assert.rejects(api(site, token, '/api/v1/devices'));
    site.setFaults({ slowRate: 1, slowMs: 150 });
    const t0 = Date.now();
    assert.equal((await api(site, token, '/api/v1/devices')).status, 200);
    assert.ok(Date.now() - t0 >= 140);
    assert.deepEqual(site.stats().faultsInjected, { '5xx': 1, drop: 1, slow: 1 });
    site.setFaults({});
  });

  it('drops some connections before and some after the request was processed', async () => {
    site.setFaults({ dropRate: 1 });
    const outcomes = new Set<string>();
    for (const id of site.deviceIds({ limit: 12 })) {
      await assert.rejects(api(site, token, `/api/v1/devices/${id}`, 'DELETE'));
      outcomes.add(site.deviceIds().includes(id) ? 'before' : 'after');
    }
    assert.deepEqual([...outcomes].sort(), ['after', 'before']);
    site.setFaults({});
  });

  it('replays the same fault sequence for the same fault seed', async () => {
    const sequence = async (): Promise<number[]> => {
      site.setFaults({ seed: 42, rate429: 0.3, rate5xx: 0.2 });
      const out: number[] = [];
      for (let i = 0; i < 30; i++) out.push((await api(site, token, '/api/v1/devices?limit=1')).status);
      return out;
    };
    const first = await sequence();
    assert.deepEqual(await sequence(), first);
    assert.ok(first.includes(200) && first.includes(429), first.join(','));
    site.setFaults({});
  });

  it('malforms the same records the same way on every read, in lists and detail', async () => {
    site.setFaults({ malformedRate: 0.2 });
    const first = await walk(site, token, '/api/v1/devices', 100);
    assert.deepEqual(await walk(site, token, '/api/v1/devices', 100), first);
    const invalid = first.filter((r) => !isValidRecord(r));
    assert.ok(invalid.length > 20 && invalid.length < 140, `invalid: ${invalid.length}`);
    const ids = site.deviceIds();
    const variants = new Set(ids.map((id) => site.malformedVariant(id)).filter((v) => v !== undefined));
    assert.deepEqual([...variants].sort(), ['extra-fields', 'missing-id', 'oversized', 'wrong-type']);
    for (const [i, id] of ids.entries()) {
      const variant = site.malformedVariant(id);
      assert.equal(isValidRecord(first[i] ?? {}), variant === undefined || variant === 'extra-fields', id);
    }
    const extra = ids.find((id) => site.malformedVariant(id) === 'extra-fields') ?? '';
    const detail = await get(site, token, `/api/v1/devices/${extra}`);
    assert.ok(isValidRecord(detail) && 'x_vendorExtension' in detail, 'extra fields alone stay valid');
    const wrong = ids.find((id) => site.malformedVariant(id) === 'wrong-type') ?? '';
    assert.equal(typeof (await get(site, token, `/api/v1/devices/${wrong}`)).name, 'number');
    site.setFaults({});
  });

  it('malforms software records deterministically too', async () => {
    site.setFaults({ malformedRate: 0.3 });
    const first = await walk(site, token, '/api/v1/software', 500);
    assert.deepEqual(await walk(site, token, '/api/v1/software', 500), first);
    assert.ok(first.some((r) => !isValidRecord(r)));
    site.setFaults({});
    assert.ok((await walk(site, token, '/api/v1/software', 500)).every(isValidRecord));
  });

  it('answers 404 on software-groups when the site has no such endpoint', async () => {
    const plain = emu.addSite({ name: 'no-groups', devices: 1, softwareGroupsEndpoint: false });
    const t = (await login(plain)).token;
    const res = await api(plain, t, '/api/v1/software-groups');
    assert.equal(res.status, 404);
    assert.equal(res.body.error, 'not_found');
    const groups = await get<Page>(site, token, '/api/v1/software-groups');
    assert.deepEqual(groups.items.slice(0, 3), [
      { name: 'Regular', trackInNavigator: false },
      { name: 'Required', trackInNavigator: true },
      { name: 'Forbidden', trackInNavigator: false },
    ]);
  });
});
