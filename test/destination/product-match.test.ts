/**
 * The pure parts of writing installations: an AlloyScan product matched to Navigator's
 * Software Catalog by name + version (trimmed, white space folded, any letter case), a
 * duplicate catalog entry refused rather than guessed, and the installation class accepted
 * only together with its Template.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalogIndex, matchProduct, productKey } from '../../activities/destination/navigator/product-match';
import { navigatorSchema } from '../../ops/config-schema';

const CATALOG = catalogIndex([
  { ID: '{AAAAAAAA-0000-0000-0000-000000000001}', Product_Name: 'Google Chrome', Version: '120.0.1' },
  { ID: 'bbbbbbbb-0000-0000-0000-000000000002', Product_Name: '7-Zip', Version: null },
  { ID: 'cccccccc-0000-0000-0000-000000000003', Product_Name: 'Slack', Version: '4.1' },
  { ID: 'dddddddd-0000-0000-0000-000000000004', Product_Name: 'SLACK ', Version: '4.1' },
  { ID: 'eeeeeeee-0000-0000-0000-000000000005', Product_Name: '  ', Version: '1' },
  { ID: null, Product_Name: 'Git', Version: '2' },
]);

describe('Software Catalog matching', () => {
  it('matches name and version trimmed, white space folded, in any case; GUIDs unbraced, lower case', () => {
    assert.deepEqual(matchProduct(CATALOG, ' google  CHROME', '120.0.1 '), {
      guid: 'aaaaaaaa-0000-0000-0000-000000000001',
    });
    assert.equal(productKey('Google\tChrome', '120.0.1'), productKey('google chrome', ' 120.0.1'));
  });

  it('takes no version as an empty version, and tells versions apart', () => {
    assert.deepEqual(matchProduct(CATALOG, '7-zip', undefined), {
      guid: 'bbbbbbbb-0000-0000-0000-000000000002',
    });
    assert.deepEqual(matchProduct(CATALOG, '7-zip', ''), { guid: 'bbbbbbbb-0000-0000-0000-000000000002' });
    assert.deepEqual(matchProduct(CATALOG, 'Google Chrome', '120.0.2'), { reason: 'notInCatalog' });
    assert.deepEqual(matchProduct(CATALOG, '7-Zip', '23.01'), { reason: 'notInCatalog' });
  });

  it('refuses a product the catalog holds twice, and skips entries with no GUID or no name', () => {
    assert.deepEqual(matchProduct(CATALOG, 'Slack', '4.1'), { reason: 'ambiguousProduct' });
    assert.deepEqual(matchProduct(CATALOG, 'Git', '2'), { reason: 'notInCatalog' });
    assert.deepEqual(matchProduct(CATALOG, '', '1'), { reason: 'notInCatalog' });
  });

  it('counts one catalog record listed twice (a repeated page) once', () => {
    const row = { ID: 'ffffffff-0000-0000-0000-000000000006', Product_Name: 'Zoom', Version: '6' };
    assert.deepEqual(matchProduct(catalogIndex([row, { ...row, ID: row.ID.toUpperCase() }]), 'zoom', '6'), {
      guid: row.ID,
    });
  });
});

describe('installation class configuration', () => {
  const base = {
    id: 'hq',
    apiUrl: 'https://nav.example.com/api',
    clientId: 'app',
    clientSecret: { env: 'NAV_SECRET' },
    templates: { computer: '301', inventoryItem: '302' },
    actions: { updateComputer: '401', updateInventoryItem: '402' },
  };

  it('accepts both or neither', () => {
    assert.ok(navigatorSchema.safeParse(base).success);
    const both = navigatorSchema.parse({
      ...base,
      classes: { softwareInstallation: 'SoftwareInstallations' },
      templates: { ...base.templates, softwareInstallation: '304' },
    });
    assert.equal(both.classes.softwareInstallation, 'SoftwareInstallations');
  });

  it('refuses one without the other, naming the missing field', () => {
    const noTemplate = navigatorSchema.safeParse({ ...base, classes: { softwareInstallation: 'SI' } });
    assert.equal(noTemplate.success, false);
    assert.deepEqual(noTemplate.error?.issues[0]?.path, ['templates', 'softwareInstallation']);
    const noClass = navigatorSchema.safeParse({
      ...base,
      templates: { ...base.templates, softwareInstallation: '304' },
    });
    assert.equal(noClass.success, false);
    assert.deepEqual(noClass.error?.issues[0]?.path, ['classes', 'softwareInstallation']);
  });
});
