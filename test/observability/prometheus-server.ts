import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from '@pulse/common';
import { freePort } from '../support/ports.js';
import { REPO } from './dashboard.js';
import { prometheusTool } from './tools.js';

export const SHIPPED_RULES = join(REPO, 'infra', 'prometheus', 'rules', 'pulse-alerts.yml');

export interface ScrapeJob {
  job: string;
  targets: string[];
}

/**
 * The shipped alert rules with every `for:` set to 0s: the expressions are
 * the real ones, only the wait is dropped so a live test need not last
 * minutes (`promtool test rules` covers the waits).
 */
export function rulesWithoutWaits(): string {
  return readFileSync(SHIPPED_RULES, 'utf8').replace(/^(\s+)for:\s*\S+\s*$/gm, '$1for: 0s');
}

/**
 * A real Prometheus server (Debian's binary) scraping the given jobs every
 * second and evaluating `rules`, in a temporary directory of its own.
 */
export class PrometheusServer {
  private child: ChildProcess | undefined;
  private output = '';
  readonly dir = mkdtempSync(join(tmpdir(), 'pulse-prometheus-'));
  url = '';

  constructor(
    private readonly jobs: ScrapeJob[],
    private readonly rules: string,
  ) {}

  config(): string {
    const jobs = this.jobs
      .map(
        (j) =>
          `  - job_name: ${j.job}\n    static_configs:\n      - targets: [${j.targets.map((t) => JSON.stringify(t)).join(', ')}]`,
      )
      .join('\n');
    return [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'rule_files:',
      '  - rules.yml',
      'scrape_configs:',
      jobs,
      '',
    ].join('\n');
  }

  async start(): Promise<void> {
    const binary = prometheusTool('prometheus');
    writeFileSync(join(this.dir, 'prometheus.yml'), this.config());
    writeFileSync(join(this.dir, 'rules.yml'), this.rules);
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    this.child = spawn(
      binary,
      [
        `--config.file=${join(this.dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(this.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-8000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`prometheus exited: ${this.output}`);
      const ready = await fetch(`${this.url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) return;
      await sleep(200);
    }
    throw new Error(`prometheus did not become ready in 30 s: ${this.output}`);
  }

  /** GET an API path; throws with Prometheus' own error when it refuses. */
  async api<T>(path: string): Promise<T> {
    const res = await fetch(`${this.url}${path}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${path}: ${body.error ?? res.status}`);
    return body.data;
  }

  /** An instant query's vector. */
  query(expr: string): Promise<{
    resultType: string;
    result: Array<{ metric: Record<string, string>; value: [number, string] }>;
  }> {
    return this.api(`/api/v1/query?query=${encodeURIComponent(expr)}`);
  }

  async targets(): Promise<Array<{ labels: Record<string, string>; health: string; lastError: string }>> {
    return (
      await this.api<{
        activeTargets: Array<{ labels: Record<string, string>; health: string; lastError: string }>;
      }>('/api/v1/targets?state=active')
    ).activeTargets;
  }

  async alerts(): Promise<
    Array<{ labels: Record<string, string>; annotations: Record<string, string>; state: string }>
  > {
    return (
      await this.api<{
        alerts: Array<{ labels: Record<string, string>; annotations: Record<string, string>; state: string }>;
      }>('/api/v1/alerts')
    ).alerts;
  }

  /** Polls until `check` holds; fails with `what` and Prometheus' recent output. */
  async until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check().catch(() => false)) return;
      await sleep(250);
    }
    throw new Error(`timed out waiting for ${what}; prometheus said: ${this.output || '(nothing)'}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
