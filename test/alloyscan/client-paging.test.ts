import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { type AlloyScanError, QuarantineError } from '../../activities/alloyscan/errors';
import { connect, failure, startTestEmulator, type TestEmulator } from './helpers';

let emu: TestEmulator;
before(async () => {
  emu = await startTestEmulator();
});
after(() => emu?.close());

describe('AlloyScan client against the emulator: paging', () => {
  it('returns every device of a 3000-device site exactly once, with pages capped by the site', async () => {
    const site = emu.site({ devices: 3000, seed: 7, maxPageSize: 400 });
    const client = connect(site);
    const seen: string[] = [];
    let total = Infinity;
    for (let offset = 0; offset < total;) {
      const page = await client.listDevices({ offset, limit: 1000 });
      assert.ok(page.received <= 400 && page.received > 0, `page of ${page.received}`);
      assert.equal(page.quarantined.length, 0);
      seen.push(...page.items.map((d) => d.id));
      total = page.total;
      offset += page.received;
    }
    assert.equal(new Set(seen).size, seen.length, 'no device twice');
    assert.deepEqual(seen, site.deviceIds({ offset: 0, limit: 3000 }));
    assert.equal(client.tokenRequests, 1);
    assert.equal(client.apiCalls, 1 + Math.ceil(3000 / 400));
  });

  it('reads one device, its current snapshot and the software catalog', async () => {
    const site = emu.site();
    const client = connect(site);
    const [id] = site.deviceIds({ offset: 0, limit: 1 });
    assert.ok(id);
    const device = await client.getDevice(id);
    assert.equal(device?.id, id);
    assert.ok(device.auditId, 'detail carries auditId');
    const snapshot = await client.getSnapshot(device.auditId);
    assert.equal(snapshot?.id, device.auditId);
    assert.ok(snapshot.software.every((s) => s.productId && s.name));
    const products = await client.listSoftware({ offset: 0, limit: 100 });
    assert.ok(products.items.length > 0 && products.total >= products.items.length);
    const first = products.items[0];
    assert.ok(first);
    assert.deepEqual(await client.getProduct(first.id), first);
    assert.equal(await client.getDevice('no-such-device'), undefined);
    assert.equal(await client.getSnapshot('no-such-snapshot'), undefined);
  });

  it('reads the software groups, and undefined when the site does not serve them', async () => {
    const groups = await connect(emu.site()).listSoftwareGroups();
    assert.ok(groups?.some((g) => g.name === 'Required' && g.trackInNavigator));
    assert.equal(await connect(emu.site({ softwareGroupsEndpoint: false })).listSoftwareGroups(), undefined);
  });

  it('deletes a device, then reports it already gone', async () => {
    const site = emu.site();
    const client = connect(site);
    const [id] = site.deviceIds({ offset: 3, limit: 1 });
    assert.ok(id);
    assert.equal(await client.deleteDevice(id), 'deleted');
    assert.equal(await client.deleteDevice(id), 'already-gone');
    assert.equal(await client.getDevice(id), undefined);
    assert.equal(site.deviceCount(), 49);
  });
});

describe('AlloyScan client against the emulator: faults', () => {
  it('classifies 429 as RateLimited with Retry-After, and without it', async () => {
    const site = emu.site();
    const client = connect(site);
    await client.authenticate();
    site.setFaults({ rate429: 1, retryAfterSeconds: 3 });
    const err = await failure(client.listDevices({ offset: 0, limit: 10 }), 'RateLimited');
    assert.equal(err.retryAfterMs, 3000);
    site.setFaults({ rate429: 1, retryAfterSeconds: -1 });
    assert.equal(
      (await failure(client.listDevices({ offset: 0, limit: 10 }), 'RateLimited')).retryAfterMs,
      undefined,
    );
  });

  it('classifies 5xx, a dropped connection and a slow response as Transient', async () => {
    const site = emu.site();
    const client = connect(site, { timeoutMs: 300 });
    await client.authenticate();
    site.setFaults({ rate5xx: 1 });
    const err = await failure(client.listDevices({ offset: 0, limit: 10 }), 'Transient');
    assert.ok(err.status === 500 || err.status === 503);
    site.setFaults({ dropRate: 1 });
    assert.match((await failure(client.getDevice('x'), 'Transient')).message, /ECONNRESET|socket|reset/i);
    site.setFaults({ slowRate: 1, slowMs: 1000 });
    assert.match(
      (await failure(client.listSoftware({ offset: 0, limit: 5 }), 'Transient')).message,
      /timed out/,
    );
    site.setFaults({});
    assert.equal((await client.listDevices({ offset: 0, limit: 5 })).items.length, 5);
  });

  it("drops a call in flight when the activity is cancelled: Transient, 'cancelled', nothing of the answer", async () => {
    const site = emu.site();
    const env = new MockActivityEnvironment();
    const err: AlloyScanError = await env.run(async (): Promise<AlloyScanError> => {
      const client = connect(site);
      await client.authenticate();
      site.setFaults({ slowRate: 1, slowMs: 1000 });
      const call = failure(client.listDevices({ offset: 0, limit: 5 }), 'Transient');
      setTimeout(() => env.cancel(), 100);
      return call;
    });
    site.setFaults({});
    assert.match(err.message, /the request was cancelled \(ERR_CANCELED\)/);
  });

  it('quarantines malformed records with id and reason and returns the rest of the page', async () => {
    const site = emu.site({ devices: 200, faults: { malformedRate: 0.2 } });
    const page = await connect(site).listDevices({ offset: 0, limit: 200 });
    const ids = site.deviceIds({ offset: 0, limit: 200 });
    const bad = ids.filter((id) =>
      ['missing-id', 'wrong-type', 'oversized'].includes(site.malformedVariant(id) ?? ''),
    );
    assert.ok(bad.length > 0, 'the seed produces malformed records');
    assert.equal(page.received, 200);
    assert.equal(page.items.length + page.quarantined.length, 200);
    assert.equal(page.quarantined.length, bad.length, 'extra fields are not malformed');
    for (const q of page.quarantined) {
      assert.ok(q.reason.length > 0 && q.rawExcerpt.length <= 2000);
      assert.ok(ids.includes(q.sourceId) || /^devices\?offset=0#\d+$/.test(q.sourceId), q.sourceId);
    }
    const client = connect(site);
    for (const variant of ['missing-id', 'wrong-type', 'oversized'] as const) {
      const id = bad.find((d) => site.malformedVariant(d) === variant);
      assert.ok(id, `the seed produces a ${variant} record`);
      const err = await client.getDevice(id).catch((e: unknown) => e);
      assert.ok(err instanceof QuarantineError, `${variant}: ${String(err)}`);
      assert.equal(err.record.sourceId, id);
      assert.equal(err.record.kind, 'device');
    }
    const extra = ids.find((id) => site.malformedVariant(id) === 'extra-fields');
    assert.ok(extra && (await client.getDevice(extra))?.id === extra, 'extra fields are ignored');
    const products = await client.listSoftware({ offset: 0, limit: 300 });
    assert.ok(products.quarantined.length > 0 && products.items.length > 0);
    assert.equal(products.items.length + products.quarantined.length, products.received);
    assert.ok(products.quarantined.every((q) => q.kind === 'software' && q.reason.length > 0));
  });
});
