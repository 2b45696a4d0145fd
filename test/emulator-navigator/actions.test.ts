import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startNavigatorEmulator, type NavigatorEmulator } from '../../emulator/navigator';
import { assertFailure, call, createComputer, login, ok, rows, type ListAnswer } from './helpers';

type Items = { Items: { name: string; caption: string; value: string }[] };
type Written = { Succeed: boolean; ObjectID: string; ObjectOID: string };

function itemsOf(answer: Items): Record<string, string> {
  return Object.fromEntries(answer.Items.map((i) => [i.name, i.value]));
}

describe('Navigator emulator: step actions, retire and check, dictionaries', () => {
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

  it('clears a missing flag (407/408): Status Active when Missing (a status chosen since stays), Missing_Since cleared', async () => {
    const pc = await createComputer(emu, token, { Name: 'PC-8' });
    await ok(emu, token, 'POST', `/v2/object/${pc.ObjectOID}/action/405`, {});
    assert.equal((await step(pc.ObjectOID, '407', {})).body.success, true);
    const fields = await object(pc.ObjectOID);
    assert.deepEqual([fields.Status, fields.Missing_Since], ['Active', '']);
    const item = await ok<Written>(emu, token, 'POST', '/v2', { ActionId: '302', Fields: { Name: 'Hub-1' } });
    await ok(emu, token, 'POST', `/v2/object/${item.ObjectOID}/action/406`, { Status: 'In Use' });
    await ok(emu, token, 'POST', `/v2/object/${item.ObjectOID}/action/408`, {});
    const itemFields = await object(item.ObjectOID);
    assert.deepEqual([itemFields.Status, itemFields.Missing_Since], ['In Use', '']);
    assertFailure(
      await step(pc.ObjectOID, '407', { Model: 'x' }),
      200,
      'Field "Model" cannot be set by this action.',
    );
    assertFailure(await step(pc.ObjectOID, '408', {}), 404, 'Action 408 not found.');
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
});
