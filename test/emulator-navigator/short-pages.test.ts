import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startNavigatorEmulator } from '../../emulator/navigator';
import { login, ok, type ListAnswer } from './helpers';

describe('Navigator emulator: short pages', () => {
  it('returns fewer rows than asked on some pages, never an empty page while rows remain', async () => {
    const emu = await startNavigatorEmulator({ shortPageRate: 0.5, products: { count: 120 }, seed: 3 });
    try {
      const token = await login(emu);
      const seen: string[] = [];
      let short = 0;
      for (let offset = 0; ;) {
        const page = await ok<ListAnswer>(emu, token, 'POST', '/v2/SoftwareProducts', {
          fields: ['ID'],
          offset,
          limit: 25,
        });
        if (page.Data.length === 0) break;
        if (page.Data.length < 25 && offset + 25 < 120) short++;
        seen.push(...page.Data.map((r) => r[0] ?? ''));
        offset += page.Data.length;
      }
      assert.equal(new Set(seen).size, 120);
      assert.ok(short >= 1, 'some pages were short');
    } finally {
      await emu.close();
    }
  });
});
