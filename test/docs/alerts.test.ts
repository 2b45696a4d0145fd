import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { METRIC } from '../../activities/metrics';

const DOCS = resolve(__dirname, '../../../docs');
const alerts = readFileSync(resolve(DOCS, 'alerts.yaml'), 'utf8');
const dashboard = readFileSync(resolve(DOCS, 'grafana-dashboard.json'), 'utf8');

/** Metric names a file uses, without the exporter's _total / _bucket suffixes. */
function syncMetrics(text: string): string[] {
  const names = text.match(/alloyscan_sync_[a-z_]+/g) ?? [];
  return [...new Set(names.map((n) => n.replace(/_(total|bucket|sum|count)$/, '')))].sort();
}

describe('alert rules and dashboard', () => {
  it('the alert rules pass promtool check rules (Debian prometheus package), or a schema check without it', () => {
    const promtool = spawnSync('promtool', ['check', 'rules', resolve(DOCS, 'alerts.yaml')], {
      encoding: 'utf8',
    });
    if (promtool.error === undefined) {
      assert.equal(promtool.status, 0, `${promtool.stdout}${promtool.stderr}`);
      return;
    }
    const doc = parseYaml(alerts) as { groups: { name: string; rules: Record<string, unknown>[] }[] };
    assert.ok(doc.groups.length > 0);
    for (const rule of doc.groups.flatMap((g) => g.rules)) {
      assert.equal(typeof rule.alert, 'string');
      assert.equal(typeof rule.expr, 'string');
      assert.ok(typeof rule.annotations === 'object' && rule.annotations !== null);
    }
  });

  it('uses only metric names the worker exports', () => {
    const exported = new Set<string>(Object.values(METRIC));
    for (const [file, text] of [
      ['alerts.yaml', alerts],
      ['grafana-dashboard.json', dashboard],
    ] as const)
      assert.deepEqual(
        syncMetrics(text).filter((n) => !exported.has(n)),
        [],
        `${file} names metrics the worker does not export`,
      );
  });

  it('alerts on the three things an operator must act on', () => {
    for (const metric of [METRIC.lastSuccess, METRIC.verifyOk, METRIC.needsConfirmation])
      assert.ok(alerts.includes(metric), `no alert on ${metric}`);
  });

  it('is a dashboard Grafana can import: panels with Prometheus targets', () => {
    const d = JSON.parse(dashboard) as { panels: { targets: { expr: string }[] }[]; uid: string };
    assert.ok(d.uid && d.panels.length > 0);
    for (const p of d.panels) assert.ok(p.targets.length > 0 && p.targets.every((t) => t.expr.length > 0));
  });
});
