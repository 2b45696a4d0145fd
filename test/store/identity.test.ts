import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isJunkSerial, macKey, nameKey, normaliseMac, serialKey } from '../../activities/store';
import {
  resolveIdentities,
  type LadderDevice,
  type LadderRecord,
} from '../../activities/store/identity-ladder';

describe('junk serials', () => {
  const cases: [string | undefined, boolean][] = [
    ['Default string', true],
    ['  default STRING ', true],
    ['To be filled by O.E.M.', true],
    ['To Be Filled By O.E.M.', true],
    ['System Serial Number', true],
    ['Chassis Serial Number', true],
    ['0', true],
    ['00000000', true],
    ['N/A', true],
    ['None', true],
    ['', true],
    ['   ', true],
    [undefined, true],
    ['xxxxxxxx', true],
    ['123456789', true],
    ['5CG1234XYZ', false],
    ['VMware-56 4d 1c 0a', false],
    ['C02XK0ABJG5H', false],
  ];
  for (const [serial, junk] of cases) {
    it(`${JSON.stringify(serial)} is ${junk ? 'junk' : 'a real serial'}`, () => {
      assert.equal(isJunkSerial(serial), junk);
      assert.equal(serialKey(serial) === undefined, junk);
    });
  }

  it('normalises a real serial for matching (trimmed, upper-case, spaces collapsed)', () => {
    assert.equal(serialKey('  ab12  cd '), 'AB12 CD');
  });
});

describe('MAC and name keys', () => {
  const macs: [string, string | undefined][] = [
    ['AA:BB:CC:DD:EE:FF', 'aa:bb:cc:dd:ee:ff'],
    ['aa-bb-cc-dd-ee-ff', 'aa:bb:cc:dd:ee:ff'],
    ['aabb.ccdd.eeff', 'aa:bb:cc:dd:ee:ff'],
    ['AABBCCDDEEFF', 'aa:bb:cc:dd:ee:ff'],
    ['aa:bb:cc', undefined],
    ['not a mac', undefined],
  ];
  for (const [mac, expected] of macs) {
    it(`normalises ${mac}`, () => assert.equal(normaliseMac(mac), expected));
  }

  it('ignores placeholder MACs and names', () => {
    assert.equal(macKey('00:00:00:00:00:00'), undefined);
    assert.equal(normaliseMac('00:00:00:00:00:00'), '00:00:00:00:00:00');
    assert.equal(nameKey(' LocalHost '), undefined);
    assert.equal(nameKey(' PC-01 '), 'pc-01');
  });
});

describe('resolveIdentities', () => {
  const rec = (id: number, keys: LadderRecord['keys'], linked = false): LadderRecord => ({
    id,
    keys,
    linked,
  });
  const dev = (sourceId: string, keys: Omit<LadderDevice, 'sourceId'>): LadderDevice => ({
    sourceId,
    ...keys,
  });

  it('climbs serial, then MAC, then name, and creates when nothing matches', () => {
    const devices = [
      dev('a', { serial: 'S1', mac: 'm1', name: 'n1' }),
      dev('b', { serial: 'S2', mac: 'm2', name: 'n2' }),
      dev('c', { serial: 'S3', mac: 'm3', name: 'n3' }),
      dev('d', { name: 'n4' }),
    ];
    const records = [rec(1, { serial: 'S1' }), rec(2, { mac: 'm2' }), rec(3, { name: 'n3' })];
    assert.deepEqual(resolveIdentities(devices, devices, records), [
      { sourceId: 'a', rule: 'serial', recordId: 1 },
      { sourceId: 'b', rule: 'mac', recordId: 2 },
      { sourceId: 'c', rule: 'name', recordId: 3 },
      { sourceId: 'd', rule: 'new' },
    ]);
  });

  it('skips a rung whose key two records hold, or that a linked record holds', () => {
    const d = [dev('a', { serial: 'S', mac: 'm' })];
    assert.deepEqual(resolveIdentities(d, d, [rec(1, { serial: 'S' }), rec(2, { serial: 'S', mac: 'm' })]), [
      { sourceId: 'a', rule: 'mac', recordId: 2 },
    ]);
    assert.deepEqual(resolveIdentities(d, d, [rec(1, { serial: 'S', mac: 'm' }, true)]), [
      { sourceId: 'a', rule: 'new' },
    ]);
  });

  it('skips a rung whose key two devices of the page share', () => {
    const a = dev('a', { serial: 'S' });
    const page = [a, dev('linked-already', { serial: 'S' })];
    assert.deepEqual(resolveIdentities([a], page, [rec(1, { serial: 'S' })]), [
      { sourceId: 'a', rule: 'new' },
    ]);
  });

  it('gives a record to the first device that claims it', () => {
    const devices = [dev('a', { serial: 'S' }), dev('b', { name: 'n' })];
    assert.deepEqual(resolveIdentities(devices, devices, [rec(1, { serial: 'S', name: 'n' })]), [
      { sourceId: 'a', rule: 'serial', recordId: 1 },
      { sourceId: 'b', rule: 'new' },
    ]);
  });
});
