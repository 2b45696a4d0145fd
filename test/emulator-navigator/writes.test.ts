import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startNavigatorEmulator, type NavigatorEmulator } from '../../emulator/navigator';
import {
  admin,
  assertFailure,
  call,
  createComputer,
  login,
  ok,
  rows,
  type Json,
  type ListAnswer,
} from './helpers';

type Items = { Items: { name: string; caption: string; value: string }[] };
type Written = { Succeed: boolean; ObjectID: string; ObjectOID: string };

function itemsOf(answer: Items): Record<string, string> {
  return Object.fromEntries(answer.Items.map((i) => [i.name, i.value]));
}

describe('Navigator emulator: objects, templates and step actions', () => {
  let emu: NavigatorEmulator;
  let token: string;
  const object = async (key: string): Promise<Record<string, string>> =>
    itemsOf(await ok<Items>(emu, token, 'GET', `/v2/object/${encodeURIComponent(key)}`));

  before(async () => {
    emu = await startNavigatorEmulator({ products: { count: 2 }, softwareInstallations: true });
    token = await login(emu);
  });
  after(async () => {
    await emu.close();
  });

  it('creates a Computer through Template 301 with its defaults: Auto-Added, OID C + 6 digits, dates set', async () => {
    const created = await createComputer(emu, token, { Name: 'PC-1', Serial_Num: 'S-1', Audit_ID: 'dev-1' });
    assert.equal((created as Written).Succeed, true);
    assert.match(created.ObjectOID, /^C\d{6}$/);
    assert.match(created.ObjectID, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const fields = await object(created.ObjectOID);
    assert.equal(fields.Status, 'Auto-Added');
    assert.equal(fields.ID, `{${created.ObjectID.toUpperCase()}}`);
    assert.match(fields.Created_Date ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-07:00$/);
    assert.equal(fields.Modified_Date, fields.Created_Date);
  });

  it('creates an Inventory Item through Template 302: Auto-Added, Computer Peripheral, OID HW + 6 digits', async () => {
    const item = await ok<Written>(emu, token, 'POST', '/v2', {
      ActionId: 302,
      Fields: { Name: 'Printer-1' },
    });
    assert.match(item.ObjectOID, /^HW\d{6}$/);
    const fields = await object(item.ObjectOID);
    assert.deepEqual([fields.Status, fields.Type], ['Auto-Added', 'Computer Peripheral']);
  });

  it('answers one object by OID and by GUID (braced or not), one item per field with caption', async () => {
    const { ObjectID, ObjectOID } = await createComputer(emu, token, { Name: 'PC-2', Serial_Num: 'S-2' });
    const byOid = await ok<Items>(emu, token, 'GET', `/v2/object/${ObjectOID}`);
    assert.deepEqual(
      byOid.Items.find((i) => i.name === 'Serial_Num'),
      { name: 'Serial_Num', caption: 'Serial Number', value: 'S-2' },
    );
    assert.deepEqual(await ok<Items>(emu, token, 'GET', `/v2/object/${ObjectID}`), byOid);
    assert.deepEqual(
      await ok<Items>(emu, token, 'GET', `/v2/object/${encodeURIComponent(`{${ObjectID.toUpperCase()}}`)}`),
      byOid,
    );
    assert.deepEqual(await ok<Items>(emu, token, 'GET', `/object/${ObjectOID.toLowerCase()}`), byOid);
    assertFailure(await call(emu, token, 'GET', '/v2/object/C999999'), 404, 'Object C999999 not found.');
  });

  it('refuses a create missing a mandatory field, with an unknown field, a bad classification or a read-only field', async () => {
    const cases: [Json, string][] = [
      [{ Serial_Num: 'S-9' }, 'Field "Name" is mandatory.'],
      [{ Name: '   ' }, 'Field "Name" is mandatory.'],
      [{ Name: 'x', Colour: 'red' }, 'Field "Colour" not found.'],
      [{ Name: 'x', Status: 'Lost' }, '"Lost" is not a valid value for Status.'],
      [{ Name: 'x', Last_Audit_Date: 'yesterday' }, '"yesterday" is not a valid value for Last_Audit_Date.'],
      [{ Name: 'x', Assigned_To: 'PN999999' }, '"PN999999" is not a valid value for Assigned_To.'],
      [{ Name: 'x', OID: 'C000001' }, 'Field "OID" is read-only.'],
    ];
    const before = (await admin<{ records: Json[] }>(emu, 'GET', '/records?class=Computers')).body.records
      .length;
    for (const [fields, text] of cases) {
      const res = await call(emu, token, 'POST', '/v2', { ActionId: '301', Fields: fields });
      assertFailure(res, 200, text);
      assert.deepEqual(res.body.responseObject, { Succeed: false });
    }
    const after = (await admin<{ records: Json[] }>(emu, 'GET', '/records?class=Computers')).body.records
      .length;
    assert.equal(after, before, 'nothing was created');
  });

  it('answers 404 "Action <id> not found." to an unknown create action', async () => {
    assertFailure(
      await call(emu, token, 'POST', '/v2', { ActionId: '999', Fields: { Name: 'x' } }),
      404,
      'Action 999 not found.',
    );
    assertFailure(
      await call(emu, token, 'POST', '/v2', { ActionId: '401', Fields: { Name: 'x' } }),
      404,
      'Action 401 not found.',
    );
  });

  it('takes a classification value in any case, and a reference by OID', async () => {
    const person = await ok<Written>(emu, token, 'POST', '/v2', {
      ActionId: '303',
      Fields: { Name: 'Ann', Email: 'ann@example.com' },
    });
    assert.match(person.ObjectOID, /^PN\d{6}$/);
    const pc = await createComputer(emu, token, {
      Name: 'PC-3',
      Status: 'in use',
      Assigned_To: person.ObjectOID.toLowerCase(),
    });
    const fields = await object(pc.ObjectOID);
    assert.deepEqual([fields.Status, fields.Assigned_To], ['In Use', person.ObjectOID]);
  });

  it('creates Software Installations (304) when switched on: a computer OID and a product GUID', async () => {
    const pc = await createComputer(emu, token, { Name: 'PC-8' });
    const products = rows(await ok<ListAnswer>(emu, token, 'GET', '/v2/SoftwareProducts?par_fields=ID'));
    const product = products[0]?.ID ?? '';
    const si = await ok<Written>(emu, token, 'POST', '/v2', {
      ActionId: '304',
      Fields: { Computer: pc.ObjectOID, Product: product, Install_Date: '2025-01-02' },
    });
    assert.match(si.ObjectOID, /^SI\d{6}$/);
    const listed = rows(
      await ok<ListAnswer>(emu, token, 'GET', `/v2/SoftwareInstallations?Computer=${pc.ObjectOID}`),
    );
    assert.deepEqual([listed[0]?.Product, listed[0]?.Install_Date], [product, '2025-01-02T00:00:00-07:00']);
    const byProduct = await ok<ListAnswer>(emu, token, 'POST', '/v2/SoftwareInstallations', {
      fields: ['OID'],
      filters: [{ name: 'Product', value: product.toLowerCase() }],
    });
    assert.deepEqual(byProduct.Data, [[si.ObjectOID]]);
    assertFailure(
      await call(emu, token, 'POST', '/v2', { ActionId: '304', Fields: { Computer: pc.ObjectOID } }),
      200,
      'Field "Product" is mandatory.',
    );
  });
});
