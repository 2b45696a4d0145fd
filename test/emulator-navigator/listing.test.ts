import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startNavigatorEmulator, type NavigatorEmulator } from '../../emulator/navigator';
import { assertFailure, call, createComputer, login, ok, rows, type ListAnswer } from './helpers';

const BRACED_GUID = /^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/;

const PCS = [
  {
    Name: 'PC-A',
    Serial_Num: 'SER-1',
    Audit_ID: 'dev-1',
    Last_Audit_Date: '2024-12-31T23:30:00Z',
    Model: 'X1',
  },
  {
    Name: 'pc-b',
    Serial_Num: 'SER-2',
    Audit_ID: 'dev-2',
    Last_Audit_Date: '2025-01-15T08:00:00Z',
    Model: 'X1',
  },
  { Name: 'PC-C', Serial_Num: 'SER-3', Audit_ID: 'dev-3', Last_Audit_Date: '2025-03-01' },
  { Name: 'PC-D', Serial_Num: ' ser-3 ', Audit_ID: 'dev-4' },
];

describe('Navigator emulator: listings', () => {
  let emu: NavigatorEmulator;
  let token: string;
  const list = (body: unknown): Promise<ListAnswer> =>
    ok<ListAnswer>(emu, token, 'POST', '/v2/Computers', body);
  const names = async (body: unknown): Promise<string[]> =>
    rows(await list({ fields: ['Name'], ...(body as object) })).map((r) => r.Name ?? '');

  before(async () => {
    emu = await startNavigatorEmulator({ pageCap: 3, products: { count: 7 } });
    token = await login(emu);
    for (const pc of PCS) await createComputer(emu, token, pc);
  });
  after(async () => {
    await emu.close();
  });

  it('answers Fields and Data: strings, braced upper-case GUIDs, "" for empty, dates with the offset', async () => {
    const answer = await list({
      fields: ['ID', 'Name', 'Notes', 'Last_Audit_Date'],
      filters: [{ name: 'Name', value: 'PC-A' }],
    });
    assert.deepEqual(answer.Fields, [
      { Name: 'ID', DataType: 'guid', Caption: 'ID' },
      { Name: 'Name', DataType: 'string', Caption: 'Name' },
      { Name: 'Notes', DataType: 'string', Caption: 'Notes' },
      { Name: 'Last_Audit_Date', DataType: 'datetime', Caption: 'Last Audit Date' },
    ]);
    const [row] = answer.Data;
    assert.match(row?.[0] ?? '', BRACED_GUID);
    assert.deepEqual(row?.slice(1), ['PC-A', '', '2024-12-31T16:30:00-07:00']);
    for (const value of answer.Data.flat()) assert.equal(typeof value, 'string');
  });

  it('returns every field when none are asked for, and orders by ID without a sort', async () => {
    const answer = await list({ limit: 3 });
    assert.ok(
      answer.Fields.some((f) => f.Name === 'Audit_ID') &&
        answer.Fields.some((f) => f.Name === 'Modified_Date'),
    );
    const ids = answer.Data.map((r) => r[0] ?? '');
    assert.deepEqual(ids, [...ids].sort());
  });

  it('filters = and <> on text: case-insensitive and trimmed', async () => {
    assert.deepEqual(await names({ filters: [{ name: 'Name', value: ' PC-B ', operation: '=' }] }), ['pc-b']);
    assert.deepEqual((await names({ filters: [{ name: 'Serial_Num', value: 'SER-3' }] })).sort(), [
      'PC-C',
      'PC-D',
    ]);
    const others = await names({
      filters: [{ name: 'Model', value: 'x1', operation: '<>' }],
      sort: [{ property: 'Name', direction: 'asc' }],
    });
    assert.deepEqual(others, ['PC-C', 'PC-D']);
  });

  it('filters dates with every operator, whole dates and YYYY / YYYY-MM in the Navigator time zone', async () => {
    const q = (operation: string, value: string): Promise<string[]> =>
      names({
        filters: [{ name: 'Last_Audit_Date', value, operation }],
        sort: [{ property: 'Name', direction: 'asc' }],
      });
    // PC-A's 2024-12-31T23:30Z is 16:30 on Dec 31 at -07:00: still 2024 there.
    assert.deepEqual(await q('=', '2024'), ['PC-A']);
    assert.deepEqual(await q('>=', '2025'), ['pc-b', 'PC-C']);
    assert.deepEqual(await q('>', '2025-01'), ['PC-C']);
    assert.deepEqual(await q('<', '2025-01'), ['PC-A']);
    assert.deepEqual(await q('<=', '2025-01'), ['PC-A', 'pc-b']);
    assert.deepEqual(await q('<>', '2025-01-15'), ['PC-A', 'PC-C', 'PC-D']);
    assert.deepEqual(await q('=', '2025-01-15T01:00:00-07:00'), ['pc-b']);
    assert.deepEqual(await q('=', ''), ['PC-D']);
  });

  it('ANDs filters', async () => {
    const filters = [
      { name: 'Model', value: 'X1' },
      { name: 'Last_Audit_Date', value: '2025', operation: '>=' },
    ];
    assert.deepEqual(await names({ filters }), ['pc-b']);
  });

  it('sorts ascending and descending on any field, and pages with offset and limit', async () => {
    const desc = await names({ sort: [{ property: 'Audit_ID', direction: 'desc' }] });
    assert.deepEqual(desc, ['PC-D', 'PC-C', 'pc-b']);
    const page2 = await names({ sort: [{ property: 'Audit_ID', direction: 'desc' }], offset: 2, limit: 2 });
    assert.deepEqual(page2, ['pc-b', 'PC-A']);
    assert.deepEqual(await names({ offset: 4, limit: 2 }), []);
  });

  it('caps a page at pageCap rows, and limit 0 or absent means up to the cap', async () => {
    assert.equal((await list({ limit: 100 })).Data.length, 3);
    assert.equal((await list({ limit: 0 })).Data.length, 3);
    assert.equal((await list({})).Data.length, 3);
    assert.equal((await list({ limit: 2 })).Data.length, 2);
  });

  it('takes POST keys in any case', async () => {
    const body = {
      Fields: ['Name'],
      Filters: [{ Name: 'Audit_ID', Value: 'DEV-3', Operation: '=' }],
      Offset: 0,
      Limit: 5,
    };
    assert.deepEqual(rows(await list(body)), [{ Name: 'PC-C' }]);
    const sorted = await list({
      FIELDS: ['Name'],
      Sort: [{ Property: 'Name', Direction: 'DESC' }],
      LIMIT: 1,
    });
    assert.deepEqual(sorted.Data, [['PC-D']]);
  });

  it('matches class names, path segments and field names in any case', async () => {
    const upper = await ok<ListAnswer>(emu, token, 'GET', '/V2/COMPUTERS?par_fields=name&par_limit=1');
    assert.deepEqual(
      upper.Fields.map((f) => f.Name),
      ['Name'],
    );
    const dictionary = await ok<ListAnswer>(emu, token, 'GET', '/v2/computers/dictionary/status');
    assert.equal(dictionary.Data.length, 5);
  });

  it('answers the GET form like the POST form: par_fields, par_offset, par_limit, par_sort_asc/desc, Field=value', async () => {
    const get = await ok<ListAnswer>(
      emu,
      token,
      'GET',
      '/v2/Computers?par_fields=Name,Serial_Num&Serial_Num=ser-3&par_sort_desc=Name',
    );
    assert.deepEqual(get.Data, [
      ['PC-D', ' ser-3 '],
      ['PC-C', 'SER-3'],
    ]);
    const post = await list({
      fields: ['Name', 'Serial_Num'],
      filters: [{ name: 'Serial_Num', value: 'ser-3' }],
      sort: [{ property: 'Name', direction: 'desc' }],
    });
    assert.deepEqual(get, post);
    const paged = await ok<ListAnswer>(
      emu,
      token,
      'GET',
      '/v2/Computers?par_fields=Name&par_sort_asc=Audit_ID&par_offset=1&par_limit=2',
    );
    assert.deepEqual(paged.Data, [['pc-b'], ['PC-C']]);
  });

  it('serves the same API without a version segment, and answers 404 to v1', async () => {
    const bare = await ok<ListAnswer>(emu, token, 'GET', '/Computers?par_fields=Name&par_limit=1');
    assert.deepEqual(
      bare,
      await ok<ListAnswer>(emu, token, 'GET', '/v2/Computers?par_fields=Name&par_limit=1'),
    );
    assert.equal((await call(emu, token, 'GET', '/v1/Computers')).status, 404);
    assert.equal((await call(emu, token, 'POST', '/v1/Computers', {})).status, 404);
  });

  it('finds text with searchText', async () => {
    assert.deepEqual(await names({ searchText: 'c-c' }), ['PC-C']);
  });

  it('refuses unknown fields in fields, filters and sort, and unknown classes', async () => {
    for (const body of [
      { fields: ['Nope'] },
      { filters: [{ name: 'Nope', value: '1' }] },
      { sort: [{ property: 'Nope', direction: 'asc' }] },
    ])
      assertFailure(await call(emu, token, 'POST', '/v2/Computers', body), 400, 'Field "Nope" not found.');
    assertFailure(await call(emu, token, 'GET', '/v2/Computers?Nope=1'), 400, 'Field "Nope" not found.');
    assertFailure(await call(emu, token, 'GET', '/v2/Tickets'), 404, 'Object class "Tickets" not found.');
    assertFailure(
      await call(emu, token, 'POST', '/v2/Tickets', {}),
      404,
      'Object class "Tickets" not found.',
    );
  });

  it('refuses bad operators, ordering on text, bad dates and bad paging with 400', async () => {
    const bad = [
      [
        { filters: [{ name: 'Name', value: 'x', operation: 'contains' }] },
        'Operation "contains" is not supported.',
      ],
      [
        { filters: [{ name: 'Name', value: 'x', operation: '>' }] },
        'Operation ">" cannot be applied to field "Name".',
      ],
      [
        { filters: [{ name: 'Last_Audit_Date', value: 'soon', operation: '>' }] },
        '"soon" is not a valid value for Last_Audit_Date.',
      ],
      [{ limit: -1 }, /limit/],
      [{ offset: 'x' }, /offset/],
    ] as const;
    for (const [body, text] of bad)
      assertFailure(await call(emu, token, 'POST', '/v2/Computers', body), 400, text);
    assertFailure(await call(emu, token, 'GET', '/v2/Computers?par_limit=-5'), 400, /par_limit/);
    const broken = await fetch(`${emu.apiUrl}/v2/Computers`, {
      method: 'POST',
      headers: { authorization: `bearer ${token}`, 'content-type': 'application/json' },
      body: '{"fields": [',
    });
    assert.equal(broken.status, 400);
    const body = (await broken.json()) as { success: boolean; errorText: string };
    assert.equal(body.success, false);
    assert.match(body.errorText, /^The request is invalid: Body is not valid JSON[^.]*\.$/);
  });

  it('lists the read-only Software Catalog by GUID only', async () => {
    const catalog = await ok<ListAnswer>(emu, token, 'GET', '/v2/SoftwareProducts?par_limit=0');
    assert.deepEqual(
      catalog.Fields.map((f) => f.Name),
      ['ID', 'Product_Name', 'Version', 'Manufacturer', 'Platform', 'Group'],
    );
    assert.equal(catalog.Data.length, 3);
    const id = catalog.Data[0]?.[0] ?? '';
    assert.match(id, BRACED_GUID);
    assertFailure(
      await call(emu, token, 'GET', `/v2/object/${encodeURIComponent(id)}`),
      404,
      `Object ${id} not found.`,
    );
  });
});
