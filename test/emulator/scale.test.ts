import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startEmulator, type Emulator, type EmulatedSite } from '../../emulator';
import { api, get, login, type Page } from './helpers';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

describe('emulator at 100k devices', () => {
  let emu: Emulator;
  let site: EmulatedSite;
  let token: string;
  let heapBeforeSite: number;
  let heapAfterSite: number;

  before(async () => {
    emu = await startEmulator();
    heapBeforeSite = heapMb();
    site = emu.addSite({ name: 'big', devices: 100_000 });
    heapAfterSite = heapMb();
    token = (await login(site)).token;
  });
  after(async () => {
    await emu.close();
  });

  it('allocates no per-device state when the site is created', () => {
    assert.ok(
      heapAfterSite - heapBeforeSite < 2,
      `site creation grew the heap by ${(heapAfterSite - heapBeforeSite).toFixed(1)} MB`,
    );
  });

  it('lists all 100k devices in pages of 500, each exactly once, with flat memory', async () => {
    const baseline = heapMb();
    let peakGrowth = 0;
    let expectedIndex = 0;
    for (let offset = 0; offset < 100_000;) {
      const page = await get<Page>(site, token, `/api/v1/devices?limit=500&offset=${offset}`);
      assert.equal(page.total, 100_000);
      for (const d of page.items) {
        // The emulator's ids end with the device index: list order is index order.
        assert.equal(parseInt(String(d.id).slice(24), 16), expectedIndex++);
      }
      offset += page.items.length;
      if (offset % 25_000 === 0) peakGrowth = Math.max(peakGrowth, heapMb() - baseline);
    }
    assert.equal(expectedIndex, 100_000);
    assert.ok(peakGrowth < 20, `heap grew by ${peakGrowth.toFixed(1)} MB while listing`);
  });

  it('finds any device, and pages past deletions, in O(1)/O(deleted)', async () => {
    const [last] = site.deviceIds({ offset: 99_999, limit: 1 });
    assert.equal((await api(site, token, `/api/v1/devices/${last ?? ''}`)).status, 200);
    site.deleteDevices(site.deviceIds({ offset: 50_000, limit: 100 }));
    const page = await get<Page>(site, token, '/api/v1/devices?limit=500&offset=99400');
    assert.equal(page.total, 99_900);
    assert.equal(page.items.length, 500);
    assert.equal(page.items.at(-1)?.id, last);
  });
});
