import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createFields,
  dropFilled,
  mappingRules,
  mapRecord,
  updateFields,
} from '../../activities/destination/navigator/mapping';
import { matchPlan, recordKeys } from '../../activities/destination/navigator/matching';
import type { StateRecordValues } from '../../activities/store/store-types';
import { navigatorSchema, type NavigatorConfig } from '../../ops/config-schema';

function nav(extra: Partial<Record<string, unknown>> = {}): NavigatorConfig {
  return navigatorSchema.parse({
    id: 'hq',
    apiUrl: 'http://127.0.0.1:8788/api',
    clientId: 'app',
    clientSecret: { env: 'NAV_SECRET' },
    templates: { computer: '301', inventoryItem: '302' },
    actions: { updateComputer: '401', updateInventoryItem: '402' },
    ...extra,
  });
}

const record: StateRecordValues = {
  name: 'PC-0042',
  dns_name: 'pc-0042.corp',
  ip_address: '10.0.0.42',
  mac_address: 'aa:bb:cc:dd:ee:ff',
  serial_number: '5CG1234XYZ',
  serial_key: '5CG1234XYZ',
  asset_tag: null,
  manufacturer: 'HP',
  model: 'EliteBook',
  os_name: 'Windows 11',
  os_version: '23H2',
  platform: 'Windows',
  audit_date: '2026-11-30T10:00:00.000+02:00',
  device_type: 'workstation',
  missing_confirmed_at: null,
  expected_installations: 3,
};

describe('Navigator field mapping', () => {
  it('maps the default fields of a computer, the device id field always, dates in UTC with Z', () => {
    const m = mapRecord(mappingRules(nav(), 'computer'), 'dev-42', record);
    assert.equal(m.get('Name'), 'PC-0042');
    assert.equal(m.get('Audit_ID'), 'dev-42');
    assert.equal(m.get('Last_Audit_Date'), '2026-11-30T08:00:00Z');
    assert.equal(m.get('Asset_Tag'), null);
    assert.equal(m.get('OS_Name'), 'Windows 11');
  });

  it('sends no OS fields to Inventory Items and never a junk serial', () => {
    const m = mapRecord(mappingRules(nav(), 'hardware'), 'dev-1', {
      ...record,
      serial_number: 'Default string',
      serial_key: null,
    });
    assert.equal(m.has('OS_Name'), false);
    assert.equal(m.has('Platform'), false);
    assert.equal(m.get('Serial_Num'), null);
  });

  it('takes overrides: another device id field, a field dropped, a mode changed', () => {
    const cfg = nav({
      deviceIdField: 'AlloyScan_ID',
      fields: { DNS_Name: { from: null }, Notes: { from: 'model', mode: 'whenTargetEmpty' } },
    });
    const rules = mappingRules(cfg, 'computer');
    assert.equal(rules.has('DNS_Name'), false);
    assert.deepEqual(rules.get('Notes'), { from: 'model', mode: 'whenTargetEmpty' });
    assert.deepEqual(rules.get('AlloyScan_ID'), { from: 'deviceId', mode: 'always' });
  });

  it('creates with every value AlloyScan has, and nothing it lacks', () => {
    const fields = createFields(mapRecord(mappingRules(nav(), 'computer'), 'dev-42', record));
    assert.equal(fields.Name, 'PC-0042');
    assert.equal('Asset_Tag' in fields, false);
  });

  it('updates only changed fields; whenSourceHasValue never blanks, always does', () => {
    const cfg = nav({ fields: { IP_Address: { from: 'ipAddress', mode: 'always' } } });
    const rules = mappingRules(cfg, 'computer');
    const last = createFields(mapRecord(rules, 'dev-42', record));
    const same = updateFields(rules, mapRecord(rules, 'dev-42', record), last);
    assert.deepEqual(same.fields, {}, 'unchanged device: no write');
    const changed = mapRecord(rules, 'dev-42', {
      ...record,
      model: 'ZBook',
      dns_name: null,
      ip_address: null,
    });
    const upd = updateFields(rules, changed, last);
    assert.deepEqual(upd.fields, { Model: 'ZBook', IP_Address: '' });
  });

  it('writes a whenTargetEmpty field once, only while the record has no value', () => {
    const cfg = nav({ fields: { Asset_Tag: { from: 'assetTag', mode: 'whenTargetEmpty' } } });
    const rules = mappingRules(cfg, 'computer');
    const mapped = mapRecord(rules, 'dev-42', { ...record, asset_tag: 'AT-1' });
    const adopted = updateFields(rules, mapped, undefined);
    assert.deepEqual(adopted.needsTarget, ['Asset_Tag']);
    assert.equal(
      dropFilled(adopted.fields, adopted.needsTarget, { Asset_Tag: 'HAND-7' }).Asset_Tag,
      undefined,
    );
    assert.equal(dropFilled(adopted.fields, adopted.needsTarget, { Asset_Tag: '' }).Asset_Tag, 'AT-1');
    const later = updateFields(
      rules,
      mapRecord(rules, 'dev-42', { ...record, asset_tag: 'AT-2' }),
      createFields(mapped),
    );
    assert.equal(later.fields.Asset_Tag, undefined, 'never again once written');
  });
});

describe('Navigator matching rules', () => {
  it('tries the device id, then name + serial, serial, MAC + name, in that order', () => {
    assert.deepEqual(
      matchPlan('dev-42', record).map((p) => p.rule),
      ['deviceId', 'nameSerial', 'serial', 'macName'],
    );
  });

  it('skips the serial rules for a junk serial and the MAC rule without a usable MAC', () => {
    const plan = matchPlan('dev-1', {
      ...record,
      serial_number: 'To be filled by O.E.M.',
      mac_address: '00:00:00:00:00:00',
    });
    assert.deepEqual(
      plan.map((p) => p.rule),
      ['deviceId'],
    );
  });

  it('keys a listed Navigator record the way it keys a device', () => {
    const keys = recordKeys({
      name: ' PC-0042 ',
      serial: '5cg1234xyz',
      mac: 'AA-BB-CC-DD-EE-FF',
      deviceId: 'dev-42',
    });
    const plan = matchPlan('dev-42', record);
    assert.deepEqual(plan[1]!.keys, { nameKey: keys.nameKey, serialKey: keys.serialKey });
    assert.equal(plan[3]!.keys.macKey, keys.macKey);
    assert.equal(keys.deviceKey, 'dev-42');
  });
});
