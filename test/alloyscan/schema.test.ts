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
  const malformed: [string, unknown, string, RegExp][] = [
    ['missing id', { ...device, id: undefined }, 'devices?offset=100#0', /^id: missing \(expected string\)$/],
    ['blank id', { ...device, id: '  ' }, 'devices?offset=100#0', /^id: empty id/],
    ['numeric id', { ...device, id: 12345 }, 'devices?offset=100#0', /^id: .*expected string/],
    ['wrong-type name', { ...device, name: 12345 }, 'dev-1', /^name: .*expected string, received number/],
    ['oversized name', { ...device, name: 'X'.repeat(4097) }, 'dev-1', /^name: longer than 4096 characters/],
    ['oversized id', { ...device, id: 'X'.repeat(5000) }, 'devices?offset=100#0', /^id: longer than 4096/],
    ['bad date', { ...device, lastSeen: 'yesterday' }, 'dev-1', /^lastSeen: not a parseable date/],
    ['tag without name', { ...device, tags: [{ id: 't1' }] }, 'dev-1', /^tags\[0\]\.name: /],
    ['not an object', 'dev-1', 'devices?offset=100#0', /^\(record\): .*expected object/],
  ];
  for (const [name, raw, sourceId, reason] of malformed) {
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
  const envelopes: [string, unknown, RegExp][] = [
    ['no items', { total: 3 }, /items: /],
    ['no total', { items: [] }, /total: /],
    ['negative total', { items: [], total: -1 }, /total: /],
    ['an HTML page', '<html>login</html>', /\(record\): /],
  ];
  for (const [name, data, reason] of envelopes) {
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
