import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CONFIGURATION_MD, configurationDoc } from '../../scripts/config-doc';

describe('docs/configuration.md', () => {
  it('is what the schema generates', async () => {
    const expected = await configurationDoc();
    const actual = readFileSync(CONFIGURATION_MD, 'utf8');
    assert.ok(actual === expected, 'docs/configuration.md is stale: run `npm run docs:config`');
  });
});
