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
  const step = (oid: string, action: string, body: unknown) =>
    call<Written>(emu, token, 'POST', `/v2/object/${oid}/action/${action}`, body);

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

  it('updates through step action 401 (any writable field but Status) and stamps Modified_Date', async () => {
    const pc = await createComputer(emu, token, { Name: 'PC-4', Model: 'old' });
    const before = emu.store.of('computer')?.get(pc.ObjectOID) ?? {};
    const createdAt = before.Modified_Date;
    await new Promise((r) => setTimeout(r, 5));
    const res = await step(pc.ObjectOID, '401', {
      Model: 'new',
      Notes: 'checked',
      Last_Audit_Date: '2025-06-01T10:00:00Z',
    });
    assert.deepEqual(res.body.responseObject, {
      Succeed: true,
      ObjectID: pc.ObjectID,
      ObjectOID: pc.ObjectOID,
    });
    const fields = await object(pc.ObjectOID);
    assert.deepEqual(
      [fields.Model, fields.Notes, fields.Last_Audit_Date],
      ['new', 'checked', '2025-06-01T03:00:00-07:00'],
    );
    assert.ok((emu.store.of('computer')?.get(pc.ObjectOID)?.Modified_Date ?? '') > (createdAt ?? ''));
    assertFailure(
      await step(pc.ObjectOID, '401', { Status: 'Active' }),
      200,
      'Field "Status" cannot be set by this action.',
    );
    assertFailure(await step(pc.ObjectOID, '401', { ID: 'x' }), 200, 'Field "ID" is read-only.');
  });

  it('refuses an action of another class or an unknown one with 404, and an unknown object with 404', async () => {
    const pc = await createComputer(emu, token, { Name: 'PC-5' });
    assertFailure(await step(pc.ObjectOID, '402', {}), 404, 'Action 402 not found.');
    assertFailure(await step(pc.ObjectOID, '777', {}), 404, 'Action 777 not found.');
    assertFailure(await step('C888888', '401', {}), 404, 'Object C888888 not found.');
    assertFailure(
      await call(emu, token, 'GET', `/v2/object/${pc.ObjectOID}/action/402/check`),
      404,
      'Action 402 not found.',
    );
  });

  it('marks a record missing (405/406): Status Missing and Missing_Since, unless the caller says otherwise', async () => {
    const pc = await createComputer(emu, token, { Name: 'PC-6' });
    assert.equal((await step(pc.ObjectOID, '405', {})).body.success, true);
    const fields = await object(pc.ObjectOID);
    assert.equal(fields.Status, 'Missing');
    assert.match(fields.Missing_Since ?? '', /-07:00$/);
    const item = await ok<Written>(emu, token, 'POST', '/v2', {
      ActionId: '302',
      Fields: { Name: 'Switch-1', Type: 'Network Device' },
    });
    await ok(emu, token, 'POST', `/v2/object/${item.ObjectOID}/action/406`, {
      Status: 'In Use',
      Missing_Since: '2025-02-03',
    });
    const itemFields = await object(item.ObjectOID);
    assert.deepEqual([itemFields.Status, itemFields.Missing_Since], ['In Use', '2025-02-03T00:00:00-07:00']);
  });

  it('retires a record (403/404): Status Retired, view-only, every later action refused; check says so', async () => {
    const pc = await createComputer(emu, token, { Name: 'PC-7' });
    const check = (action: string) =>
      ok<{ Result: boolean }>(emu, token, 'GET', `/v2/object/${pc.ObjectOID}/action/${action}/check`);
    assert.deepEqual(await check('401'), { Result: true });
    assertFailure(
      await step(pc.ObjectOID, '403', { Model: 'x' }),
      200,
      'Field "Model" cannot be set by this action.',
    );
    assert.equal((await step(pc.ObjectOID, '403', { Notes: 'gone' })).body.success, true);
    assert.equal((await object(pc.ObjectOID)).Status, 'Retired');
    for (const action of ['401', '403', '405']) {
      const res = await step(pc.ObjectOID, action, {});
      assertFailure(res, 200, 'The action is not available for this object.');
      assert.deepEqual(res.body.responseObject, { Succeed: false });
      assert.deepEqual(await check(action), { Result: false });
    }
    const item = await ok<Written>(emu, token, 'POST', '/v2', {
      ActionId: '302',
      Fields: { Name: 'Old printer' },
    });
    await ok(emu, token, 'POST', `/v2/object/${item.ObjectOID}/action/404`, {});
    assertFailure(
      await step(item.ObjectOID, '402', { Notes: 'x' }),
      200,
      'The action is not available for this object.',
    );
  });

  it('answers dictionaries of classification fields as a listing (ID, Name)', async () => {
    const status = await ok<ListAnswer>(emu, token, 'GET', '/v2/Computers/Dictionary/Status');
    assert.deepEqual(
      status.Fields.map((f) => f.Name),
      ['ID', 'Name'],
    );
    assert.deepEqual(
      rows(status).map((r) => r.Name),
      ['Auto-Added', 'Active', 'In Use', 'Missing', 'Retired'],
    );
    const types = await ok<ListAnswer>(emu, token, 'GET', '/v2/InventoryItems/Dictionary/Type');
    assert.deepEqual(
      rows(types).map((r) => r.Name),
      ['Computer Peripheral', 'Printer', 'Network Device', 'Mobile Device', 'Other'],
    );
    assertFailure(
      await call(emu, token, 'GET', '/v2/Computers/Dictionary/Name'),
      400,
      'Field "Name" is not a classification field.',
    );
    assertFailure(
      await call(emu, token, 'GET', '/v2/Computers/Dictionary/Nope'),
      400,
      'Field "Nope" not found.',
    );
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

describe('Navigator emulator: errorsAsHttp200', () => {
  it('sends every error but the token endpoint as HTTP 200 with success:false', async () => {
    const emu = await startNavigatorEmulator({ errorsAsHttp200: true, products: { count: 0 } });
    try {
      const denied = await call(emu, undefined, 'GET', '/v2/Computers');
      assertFailure(denied, 200, 'Authorization has been denied for this request.');
      assert.equal(denied.body.errorCode, 401);
      const token = await login(emu);
      assertFailure(await call(emu, token, 'GET', '/v2/Tickets'), 200, 'Object class "Tickets" not found.');
      assertFailure(await call(emu, token, 'GET', '/v2/object/C000404'), 200, 'Object C000404 not found.');
      assertFailure(
        await call(emu, token, 'POST', '/v2/Computers', { fields: ['Nope'] }),
        200,
        'Field "Nope" not found.',
      );
      assertFailure(await call(emu, token, 'GET', '/v1/Computers'), 200, /No HTTP resource/);
      emu.setFaults({ failNext: { kind: '5xx', count: 1 } });
      assertFailure(
        await call(emu, token, 'GET', '/v2/Computers'),
        200,
        'The service is temporarily unavailable.',
      );
      const bad = await fetch(`${emu.apiUrl}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'x', client_secret: 'y' }),
      });
      assert.equal(bad.status, 400);
    } finally {
      await emu.close();
    }
  });
});
