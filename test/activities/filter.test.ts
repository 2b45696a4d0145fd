import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ImportSoftware } from '../../common/domain';
import { filterInstallations, SkipReason } from '../../activities/filter';

const productGroups = new Map([
  ['p-req', 'Required'],
  ['p-reg', 'Regular'],
  ['p-forb', 'Forbidden'],
]);
const installs = [
  { productId: 'p-req', name: 'Office' },
  { productId: 'p-reg', name: 'Notepad++' },
  { productId: 'p-forb', name: 'Torrent' },
  { productId: 'p-unknown', name: 'Mystery' },
];

function run(importSoftware: ImportSoftware, platform: string | undefined, tracked = ['Required']) {
  return filterInstallations(installs, platform, {
    importSoftware,
    trackedGroups: new Set(tracked),
    productGroups,
  });
}

describe('filterInstallations', () => {
  it('keeps only tracked groups and counts every other installation under a reason', () => {
    const r = run({ mode: 'all' }, 'Windows');
    assert.deepEqual(
      r.kept.map((k) => k.productId),
      ['p-req'],
    );
    assert.deepEqual(r.skipped, {
      [SkipReason.untrackedGroup('Regular')]: 1,
      [SkipReason.untrackedGroup('Forbidden')]: 1,
      [SkipReason.unknownProduct]: 1,
    });
  });

  /** `reason`: the skip reason every installation is counted under, if any. */
  const cases: {
    name: string;
    option: ImportSoftware;
    platform: string | undefined;
    kept: number;
    reason: string | undefined;
  }[] = [
    {
      name: 'none imports nothing',
      option: { mode: 'none' },
      platform: 'Windows',
      kept: 0,
      reason: SkipReason.softwareImportOff,
    },
    {
      name: 'selected platform is imported',
      option: { mode: 'selected', platforms: ['Linux'] },
      platform: 'Linux',
      kept: 2,
      reason: undefined,
    },
    {
      name: 'unselected platform is skipped',
      option: { mode: 'selected', platforms: ['Linux'] },
      platform: 'macOS',
      kept: 0,
      reason: SkipReason.platformNotSelected('macOS'),
    },
    {
      name: 'unknown platform is not a selected one',
      option: { mode: 'selected', platforms: ['Windows'] },
      platform: undefined,
      kept: 0,
      reason: SkipReason.platformNotSelected('unknown'),
    },
  ];
  for (const { name, option, platform, kept, reason } of cases) {
    it(name, () => {
      const r = run(option, platform, ['Required', 'Regular']);
      assert.equal(r.kept.length, kept);
      if (reason) assert.equal(r.skipped[reason], installs.length);
    });
  }

  it('keeps one installation per product and counts the repeat', () => {
    const r = filterInstallations([installs[0]!, installs[0]!], 'Windows', {
      importSoftware: { mode: 'all' },
      trackedGroups: new Set(['Required']),
      productGroups,
    });
    assert.equal(r.kept.length, 1);
    assert.equal(r.skipped[SkipReason.duplicateProduct], 1);
  });
});
