import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../../emulator';
import { api, get, login, type Page } from './helpers';

describe('emulator churn: a site that changes while it is read', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());

  it('adds at the end and deletes from the first positions once, right after the Nth list call', async () => {
    const site = emu.addSite({ name: 'churn-once', devices: 100, seed: 7 });
    const { token } = await login(site);
    const first = site.deviceIds({ limit: 20 });
    site.setChurn({ afterListCalls: 2, add: 5, deleteFirst: { count: 4, within: 20 } });
    const a = await get<Page>(site, token, '/api/v1/devices?offset=0&limit=10');
    assert.equal(a.total, 100);
    const b = await get<Page>(site, token, '/api/v1/devices?offset=10&limit=10');
    assert.equal(b.total, 100, 'the second call is answered before the change');
    const c = await get<Page>(site, token, '/api/v1/devices?offset=20&limit=10');
    assert.equal(c.total, 101);
    const log = site.churnLog();
    assert.deepEqual(log.deleted, [first[0], first[5], first[10], first[15]]);
    assert.equal(log.added.length, 5);
    assert.deepEqual(site.deviceIds().slice(-5), log.added);
    await get(site, token, '/api/v1/devices?offset=0&limit=10');
    assert.equal(site.churnLog().deleted.length, 4, 'once only');
  });

  it('deletes a listed device between its listing and its detail; a device that survived its listing stays', async () => {
    const site = emu.addSite({ name: 'churn-listed', devices: 400, seed: 8 });
    const { token } = await login(site);
    site.setChurn({ deleteListedRate: 0.1 });
    const page = await get<Page>(site, token, '/api/v1/devices?offset=0&limit=400');
    const { deleted } = site.churnLog();
    assert.ok(deleted.length > 20 && deleted.length < 60, `${deleted.length} of 400 at 10 %`);
    assert.equal(page.items.length, 400, 'the listing still shows them');
    assert.equal((await api(site, token, `/api/v1/devices/${deleted[0]}`)).status, 404);
    const listed = new Set(page.items.map((d) => d.id));
    assert.ok(
      deleted.every((id) => listed.has(id)),
      'only listed devices are deleted',
    );
    await get(site, token, '/api/v1/devices?offset=0&limit=400');
    assert.equal(site.churnLog().deleted.length, deleted.length, 'a device that survived its listing stays');
  });

  it('rejects bad churn options with the field named (admin route 400)', async () => {
    emu.addSite({ name: 'churn-bad', devices: 10 });
    const cases: [unknown, RegExp][] = [
      [{ afterListCalls: 0 }, /afterListCalls/],
      [{ deleteFirst: { count: 5, within: 2 } }, /deleteFirst: count must not exceed within/],
      [{ deleteListedRate: 2 }, /deleteListedRate/],
      [{ surprise: true }, /surprise/],
    ];
    for (const [body, message] of cases) {
      const res = await fetch(`${emu.baseUrl}/admin/sites/churn-bad/churn`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(((await res.json()) as { message: string }).message, message);
    }
  });
});
