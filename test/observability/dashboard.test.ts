import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DASHBOARD, queryPanels, REPO, readDashboard } from './dashboard.js';
import { metricNames } from './promql.js';

describe('metricNames', () => {
  it('finds the metrics of a PromQL expression and nothing else', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (le, route) (rate(pulse_http_request_duration_seconds_bucket{route=~"/v1/.*"}[1m])))',
      ),
    ).toEqual(['pulse_http_request_duration_seconds_bucket']);
    expect(
      metricNames(
        'sum(rate(a_total[5m])) / on (job) group_left(instance) sum without (x) (b_sum offset 5m) > 1e3 and up{job="pulse-x"} == 0',
      ),
    ).toEqual(['a_total', 'b_sum', 'up']);
  });
});

describe('the Grafana dashboard', () => {
  const { dashboard, panels } = readDashboard();

  it('is a provisionable dashboard with unique panel ids on the Prometheus data source', () => {
    expect(dashboard.uid).toBe('pulse-overview');
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of queryPanels(panels)) {
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: 'prometheus' });
      expect(p.targets?.length, `${p.title} has no query`).toBeGreaterThan(0);
      for (const t of p.targets ?? []) expect(t.expr, `${p.title} ${t.refId}`).toMatch(/\S/);
    }
  });

  it('queries only Pulse metrics (and up), across its panels', () => {
    const names = queryPanels(panels).flatMap((p) =>
      (p.targets ?? []).flatMap((t) => metricNames(t.expr ?? '')),
    );
    expect(names.length).toBeGreaterThan(15);
    expect(
      names.filter((n) => n !== 'up' && !n.startsWith('pulse_')),
      DASHBOARD,
    ).toEqual([]);
  });

  it('shows the trigger: queue depth, actions by outcome, event-to-action p50 and p99, its lag', () => {
    const exprs = queryPanels(panels).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
    const has = (re: RegExp) =>
      expect(
        exprs.some((e) => re.test(e)),
        String(re),
      ).toBe(true);
    has(/^sum by \(queue, state\) \(pulse_queue_jobs\)$/);
    has(/sum by \(campaign, outcome\) \(rate\(pulse_actions_total\[/);
    has(/^histogram_quantile\(0\.5, .*pulse_event_to_action_seconds_bucket/);
    has(/^histogram_quantile\(0\.99, .*pulse_event_to_action_seconds_bucket/);
    // The job name the scrape configurations give the trigger.
    has(/pulse_kafka_consumer_lag\{job="pulse-trigger"\}/);
    for (const file of ['prometheus.yml', 'prometheus-local.yml']) {
      expect(readFileSync(join(REPO, 'infra', 'prometheus', file), 'utf8'), file).toMatch(
        /job_name: pulse-trigger\n\s+static_configs:\n\s+- targets: \["(trigger|127\.0\.0\.1):9104"\]/,
      );
    }
  });

  it('lays panels out without overlaps', () => {
    const cells = new Map<string, string>();
    for (const p of panels) {
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          const key = `${x},${y}`;
          expect(cells.get(key), `${p.title} overlaps ${cells.get(key)}`).toBeUndefined();
          cells.set(key, p.title);
        }
      }
      expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
    }
  });
});
