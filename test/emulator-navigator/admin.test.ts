import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startNavigatorEmulator, type NavigatorEmulator } from '../../emulator/navigator';
import { admin, assertFailure, call, login, ok, requestToken, type Json } from './helpers';

type Records = { class: string; records: Record<string, string | null>[] };
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('Navigator emulator: admin routes', () => {
  let emu: NavigatorEmulator;
  let token: string;

  before(async () => {
    emu = await startNavigatorEmulator({
      products: [{ Product_Name: 'Zip', Version: '1.0' }, { Product_Name: 'Browser' }],
    });
    token = await login(emu);
  });
  after(async () => {
    await emu.close();
  });

  it('creates a hand-made record with the template defaults but no mandatory check', async () => {
    const res = await admin<{ oid: string; id: string }>(emu, 'POST', '/records', {
      class: 'computers',
      fields: { Serial_Num: 'HAND-1', Last_Audit_Date: '2025-05-05T05:05:05Z' },
    });
    assert.equal(res.status, 201);
    assert.match(res.body.oid, /^C\d{6}$/);
    assert.match(res.body.id, GUID);
    const listed = await ok<{ Data: string[][] }>(
      emu,
      token,
      'GET',
      '/v2/Computers?par_fields=OID,Status,Name&Serial_Num=HAND-1',
    );
    assert.deepEqual(listed.Data, [[res.body.oid, 'Auto-Added', '']]);
  });

  it('answers the ground truth with plain values: unbraced lower-case GUIDs, UTC dates, null for empty', async () => {
    const { body } = await admin<Records>(emu, 'GET', '/records?class=Computers');
    assert.equal(body.class, 'Computers');
    const hand = body.records.find((r) => r.Serial_Num === 'HAND-1');
    assert.ok(hand);
    assert.match(hand.ID ?? '', GUID);
    assert.equal(hand.Last_Audit_Date, '2025-05-05T05:05:05.000Z');
    assert.equal(hand.Name, null);
    const products = (await admin<Records>(emu, 'GET', '/records?class=SoftwareProducts')).body.records;
    assert.deepEqual(
      products.map((p) => [p.Product_Name, p.Version]),
      [
        ['Zip', '1.0'],
        ['Browser', null],
      ],
    );
  });

  it('edits fields as a user would, checking names and dictionary values', async () => {
    const { body } = await admin<{ oid: string }>(emu, 'POST', '/records', {
      class: 'Computers',
      fields: { Name: 'EDIT-1' },
    });
    const edited = await admin<Json>(emu, 'POST', `/records/${body.oid}/fields`, {
      Model: 'M-2',
      Status: 'active',
    });
    assert.equal(edited.status, 200);
    assert.deepEqual([edited.body.Model, edited.body.Status], ['M-2', 'Active']);
    const bad = await admin<Json>(emu, 'POST', `/records/${body.oid}/fields`, { Status: 'Gone' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.message, '"Gone" is not a valid value for Status.');
    const unknown = await admin<Json>(emu, 'POST', `/records/${body.oid}/fields`, { Colour: 'red' });
    assert.equal(unknown.body.message, 'Field "Colour" not found.');
  });

  it('retires as a user would: Retired, view-only for the API', async () => {
    const { body } = await admin<{ oid: string }>(emu, 'POST', '/records', {
      class: 'InventoryItems',
      fields: { Name: 'RET-1' },
    });
    const retired = await admin<Json>(emu, 'POST', `/records/${body.oid}/retire`);
    assert.equal(retired.body.Status, 'Retired');
    assertFailure(
      await call(emu, token, 'POST', `/v2/object/${body.oid}/action/402`, { Notes: 'x' }),
      200,
      'The action is not available for this object.',
    );
    const truth = (await admin<Records>(emu, 'GET', '/records?class=InventoryItems')).body.records;
    assert.equal(
      truth.find((r) => r.OID === body.oid)?.Status,
      'Retired',
      'retired records stay in the ground truth',
    );
  });

  it('deletes a record as a database administrator would: gone from the API and the ground truth', async () => {
    const { body } = await admin<{ oid: string; id: string }>(emu, 'POST', '/records', {
      class: 'Computers',
      fields: { Name: 'DEL-1', Serial_Num: 'SN-DEL-1' },
    });
    const deleted = await admin<Json>(emu, 'POST', `/records/${body.oid}/delete`);
    assert.deepEqual([deleted.status, deleted.body.deleted], [200, body.oid]);
    assertFailure(
      await call(emu, token, 'POST', `/v2/object/${body.oid}/action/401`, { Notes: 'x' }),
      404,
      `Object ${body.oid} not found.`,
    );
    const truth = (await admin<Records>(emu, 'GET', '/records?class=Computers')).body.records;
    assert.equal(
      truth.find((r) => r.OID === body.oid || r.Name === 'DEL-1'),
      undefined,
    );
    assert.equal((await admin(emu, 'POST', `/records/${body.oid}/delete`)).status, 404, 'once');
  });

  it('answers 404 to an unknown class or record and 400 to a bad body', async () => {
    assert.equal((await admin(emu, 'GET', '/records?class=Tickets')).status, 404);
    assert.equal((await admin(emu, 'POST', '/records/C999999/retire')).status, 404);
    assert.equal((await admin(emu, 'POST', '/records', { fields: {} })).status, 400);
    assert.equal(
      (await admin(emu, 'POST', '/records', { class: 'Computers', fields: { OID: 'C1' } })).status,
      400,
    );
  });

  it('creates an Application, returning its secret once', async () => {
    const res = await admin<{ clientId: string; secret: string; name: string }>(
      emu,
      'POST',
      '/registrations',
      { name: 'ci' },
    );
    assert.equal(res.status, 200);
    assert.equal((await requestToken(emu, res.body)).status, 200);
    const listed = JSON.stringify((await admin(emu, 'GET', '/registrations')).body);
    assert.ok(
      listed.includes(res.body.clientId) && !listed.includes(res.body.secret),
      'the list never shows a secret',
    );
    assert.equal((await admin(emu, 'POST', '/registrations', { clientId: res.body.clientId })).status, 400);
  });

  it('counts calls by kind, refusals and writes per class, and resets them', async () => {
    await admin(emu, 'POST', '/reset-counters');
    const t = await login(emu);
    await ok(emu, t, 'GET', '/v2/Computers');
    await ok(emu, t, 'POST', '/v2/InventoryItems', {});
    const pc = await ok<{ ObjectOID: string }>(emu, t, 'POST', '/v2', {
      ActionId: '301',
      Fields: { Name: 'CNT-1' },
    });
    await ok(emu, t, 'POST', `/v2/object/${pc.ObjectOID}/action/401`, { Notes: 'n' });
    await ok(emu, t, 'GET', `/v2/object/${pc.ObjectOID}`);
    await ok(emu, t, 'GET', `/v2/object/${pc.ObjectOID}/action/401/check`);
    await ok(emu, t, 'GET', '/v2/Computers/Dictionary/Status');
    await call(emu, t, 'POST', '/v2', { ActionId: '301', Fields: {} });
    await call(emu, t, 'GET', '/v1/nothing');
    const { body } = await admin<Json>(emu, 'GET', '/counters');
    const kinds = ['token', 'list', 'object', 'create', 'action', 'check', 'dictionary', 'other'].map(
      (k) => body[k],
    );
    assert.deepEqual(kinds, [1, 2, 1, 2, 1, 1, 1, 1]);
    assert.equal(body.refused, 2);
    assert.deepEqual(body.creates, { Computers: 1 });
    assert.deepEqual(body.updates, { Computers: 1 });
    assert.ok(Number(body.maxCallsInOneSecond) >= 1 && Array.isArray(body.perSecond));
    await admin(emu, 'POST', '/reset-counters');
    const reset = (await admin<Json>(emu, 'GET', '/counters')).body;
    assert.deepEqual([reset.token, reset.list, reset.creates, reset.maxCallsInOneSecond], [0, 0, {}, 0]);
  });
});
