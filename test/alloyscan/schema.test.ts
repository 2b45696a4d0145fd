import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlloyScanError, QuarantineError } from '../../activities/alloyscan/errors';
import {
  MAX_EXCERPT,
  parseEnvelope,
  parseGroups,
  parseItems,
  parseRecord,
} from '../../activities/alloyscan/parse';
import {
  deviceSchema,
  productSchema,
  snapshotSchema,
  tokenResponseSchema,
} from '../../activities/alloyscan/schema';

const ref = { method: 'GET', path: '/api/v1/devices', status: 200 };
const device = { id: 'dev-1', name: 'pc-1', type: 'computer', tags: [{ id: 't1', name: 'HQ' }] };
const position = (i: number): string => `devices?offset=100#${i}`;

function quarantineOf(raw: unknown): { sourceId: string; reason: string } {
  const { items, quarantined } = parseItems([raw], deviceSchema, 'devices', position);
  assert.equal(items.length, 0, `expected ${JSON.stringify(raw).slice(0, 80)} to be quarantined`);
  const [q] = quarantined;
  assert.ok(q);
  return q;
}

describe('device schema', () => {
  /** `sourceId`: the quarantined record's id, or its position when it has no usable id. */
  const malformed: { name: string; raw: unknown; sourceId: string; reason: RegExp }[] = [
    {
      name: 'missing id',
      raw: { ...device, id: undefined },
      sourceId: 'devices?offset=100#0',
      reason: /^id: missing \(expected string\)$/,
    },
    {
      name: 'blank id',
      raw: { ...device, id: '  ' },
      sourceId: 'devices?offset=100#0',
      reason: /^id: empty id/,
    },
    {
      name: 'numeric id',
      raw: { ...device, id: 12345 },
      sourceId: 'devices?offset=100#0',
      reason: /^id: .*expected string/,
    },
    {
      name: 'wrong-type name',
      raw: { ...device, name: 12345 },
      sourceId: 'dev-1',
      reason: /^name: .*expected string, received number/,
    },
    {
      name: 'oversized name',
      raw: { ...device, name: 'X'.repeat(4097) },
      sourceId: 'dev-1',
      reason: /^name: longer than 4096 characters/,
    },
    {
      name: 'oversized id',
      raw: { ...device, id: 'X'.repeat(5000) },
      sourceId: 'devices?offset=100#0',
      reason: /^id: longer than 4096/,
    },
    {
      name: 'bad date',
      raw: { ...device, lastSeen: 'yesterday' },
      sourceId: 'dev-1',
      reason: /^lastSeen: not a parseable date/,
    },
    {
      name: 'tag without name',
      raw: { ...device, tags: [{ id: 't1' }] },
      sourceId: 'dev-1',
      reason: /^tags\[0\]\.name: /,
    },
    {
      name: 'not an object',
      raw: 'dev-1',
      sourceId: 'devices?offset=100#0',
      reason: /^\(record\): .*expected object/,
    },
  ];
  for (const { name, raw, sourceId, reason } of malformed) {
    it(`quarantines a record with ${name}`, () => {
      const q = quarantineOf(raw);
      assert.equal(q.sourceId, sourceId);
      assert.match(q.reason, reason);
    });
  }

  it('ignores unknown fields and normalises missing, null and blank strings to undefined', () => {
    const raw = {
      ...device,
      serialNumber: '',
      dnsName: null,
      assetTag: '   ',
      x_vendorExtension: { rev: 2 },
    };
    const { items } = parseItems([raw], deviceSchema, 'devices', position);
    assert.deepEqual(items, [
      {
        id: 'dev-1',
        name: 'pc-1',
        dnsName: undefined,
        serialNumber: undefined,
        assetTag: undefined,
        type: 'computer',
        tags: [{ id: 't1', name: 'HQ' }],
      },
    ]);
  });

  it('accepts non-RFC-4122 GUIDs and defaults a missing type and tags', () => {
    const raw = { id: '00000000-0000-0000-0000-0000000000ab' };
    const [d] = parseItems([raw], deviceSchema, 'devices', position).items;
    assert.equal(d?.type, 'unknown');
    assert.deepEqual(d?.tags, []);
  });

  it('goes on with the rest of the page after a malformed record, with a truncated excerpt', () => {
    const big = { ...device, id: 'dev-2', name: 'X'.repeat(70_000) };
    const page = parseItems([device, big, { ...device, id: 'dev-3' }], deviceSchema, 'devices', position);
    assert.deepEqual(
      page.items.map((d) => d.id),
      ['dev-1', 'dev-3'],
    );
    assert.equal(page.quarantined[0]?.sourceId, 'dev-2');
    assert.equal(page.quarantined[0]?.kind, 'devices');
    assert.ok((page.quarantined[0]?.rawExcerpt.length ?? 0) <= MAX_EXCERPT);
  });
});

describe('envelopes and single records', () => {
  const envelopes: { name: string; data: unknown; reason: RegExp }[] = [
    { name: 'no items', data: { total: 3 }, reason: /items: / },
    { name: 'no total', data: { items: [] }, reason: /total: / },
    { name: 'negative total', data: { items: [], total: -1 }, reason: /total: / },
    { name: 'an HTML page', data: '<html>login</html>', reason: /\(record\): / },
  ];
  for (const { name, data, reason } of envelopes) {
    it(`throws SchemaMismatch for an envelope with ${name}`, () => {
      assert.throws(
        () => parseEnvelope(data, ref),
        (err: unknown) =>
          err instanceof AlloyScanError && err.type === 'SchemaMismatch' && reason.test(err.message),
      );
    });
  }

  it('throws QuarantineError carrying the record for a malformed single device', () => {
    assert.throws(
      () => parseRecord({ name: 'x' }, deviceSchema, 'device', 'dev-9', ref),
      (err: unknown) =>
        err instanceof QuarantineError && err.record.sourceId === 'dev-9' && /^id: /.test(err.record.reason),
    );
  });

  it('throws SchemaMismatch for a single-record body that is not an object', () => {
    assert.throws(
      () => parseRecord([], deviceSchema, 'device', 'dev-9', ref),
      (err: unknown) => err instanceof AlloyScanError && err.type === 'SchemaMismatch',
    );
  });

  it('fails the software-groups list on one malformed group', () => {
    assert.deepEqual(parseGroups({ items: [{ name: 'Required', trackInNavigator: true, x: 1 }] }, ref), [
      { name: 'Required', trackInNavigator: true },
    ]);
    assert.throws(
      () => parseGroups({ items: [{ name: 'Required', trackInNavigator: 'yes' }] }, ref),
      (err: unknown) => err instanceof AlloyScanError && err.type === 'SchemaMismatch',
    );
  });
});

describe('snapshot, product and token schemas', () => {
  it('normalises the platform name and defaults missing lists', () => {
    const res = snapshotSchema.parse({
      operatingSystem: { name: 'Ubuntu', platform: 'linux' },
      software: null,
    });
    assert.equal(res.operatingSystem?.platform, 'Linux');
    assert.deepEqual(res.software, []);
  });

  it('rejects a snapshot whose installation has no product id', () => {
    const res = snapshotSchema.safeParse({ software: [{ name: 'Office' }] });
    assert.equal(res.success, false);
  });

  it('defaults a product without a software group to Regular', () => {
    assert.equal(productSchema.parse({ id: 'p1', name: 'Office' }).softwareGroup, 'Regular');
  });

  it('defaults expires_in to 3600 s and accepts it as a numeric string', () => {
    assert.equal(tokenResponseSchema.parse({ access_token: 'a' }).expires_in, 3600);
    assert.equal(tokenResponseSchema.parse({ access_token: 'a', expires_in: '120' }).expires_in, 120);
    assert.equal(tokenResponseSchema.safeParse({ access_token: '' }).success, false);
  });
});
