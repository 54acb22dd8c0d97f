import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO } from './dashboard.js';
import { prometheusTool } from './tools.js';

const run = promisify(execFile);
const PROMETHEUS_DIR = join(REPO, 'infra', 'prometheus');
const RULES = join(PROMETHEUS_DIR, 'rules', 'pulse-alerts.yml');
const RULE_TESTS = join(PROMETHEUS_DIR, 'tests', 'pulse-alerts.test.yml');

/** Runs promtool; resolves with its output whatever its exit code. */
async function promtool(...args: string[]): Promise<{ ok: boolean; output: string }> {
  const binary = prometheusTool('promtool');
  try {
    const { stdout, stderr } = await run(binary, args, { cwd: REPO, timeout: 60_000 });
    return { ok: true, output: stdout + stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message };
  }
}

/** The alert names a rules file defines. */
function alertNames(yaml: string): string[] {
  return [...yaml.matchAll(/^\s*-\s*alert:\s*(\S+)\s*$/gm)].map((m) => m[1]!);
}

describe('the shipped Prometheus files', () => {
  it('promtool accepts the alert rules', async () => {
    const check = await promtool('check', 'rules', RULES);
    expect(check.output).toContain('SUCCESS');
    expect(check.ok).toBe(true);
    expect(check.output).toMatch(
      new RegExp(`SUCCESS: ${alertNames(readFileSync(RULES, 'utf8')).length} rules found`),
    );
  });

  it('has an alert for every fault the issue names', () => {
    expect(alertNames(readFileSync(RULES, 'utf8')).sort()).toEqual(
      [
        'PulseClickHouseInsertsFailing', // inserts failing
        'PulseCollectorKafkaUnavailable',
        'PulseCollectorSlow',
        'PulseConsumerLagGrowing', // consumer lag growing
        'PulseConsumerStuck',
        'PulseDeadLettersRising', // dead letters rising
        'PulseEventToActionSlow', // event-to-action latency above its objective
        'PulseModelStale',
        'PulseQueueBacklog', // queue backlog
        'PulseServiceDown', // a service down
      ].sort(),
    );
  });

  it('promtool accepts both scrape configurations with their rules', async () => {
    for (const file of ['prometheus.yml', 'prometheus-local.yml']) {
      const check = await promtool('check', 'config', join(PROMETHEUS_DIR, file));
      expect(check.output, file).toContain('is valid prometheus config file syntax');
      expect(check.ok, check.output).toBe(true);
    }
  });

  it('every alert fires on its fault and stays quiet when healthy (promtool test rules)', async () => {
    const result = await promtool('test', 'rules', RULE_TESTS);
    expect(result.output).toContain('SUCCESS');
    expect(result.ok, result.output).toBe(true);
    // Every alert is exercised by the unit tests.
    const tested = new Set(
      [...readFileSync(RULE_TESTS, 'utf8').matchAll(/alertname:\s*(\S+)/g)].map((m) => m[1]),
    );
    expect([...tested].sort()).toEqual(alertNames(readFileSync(RULES, 'utf8')).sort());
  });

  it('the rule tests catch a broken rule', async () => {
    // The same tests against rules whose dead-letter threshold is gone: they must fail.
    const dir = mkdtempSync(join(tmpdir(), 'pulse-rules-'));
    try {
      cpSync(PROMETHEUS_DIR, dir, { recursive: true });
      const rules = join(dir, 'rules', 'pulse-alerts.yml');
      const broken = readFileSync(rules, 'utf8').replace(
        'rate(pulse_dead_letters_total[5m])) > 0.1',
        'rate(pulse_dead_letters_total[5m])) >= 0',
      );
      expect(broken).not.toBe(readFileSync(rules, 'utf8'));
      writeFileSync(rules, broken);
      const result = await promtool('test', 'rules', join(dir, 'tests', 'pulse-alerts.test.yml'));
      expect(result.ok).toBe(false);
      expect(result.output).toContain('PulseDeadLettersRising');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
