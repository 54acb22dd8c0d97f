import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** A path from the repository root. */
export function repoPath(path: string): string {
  return join(REPO, path);
}

/** Runs a TypeScript entry point (path from the repository root) in its own Node process. */
export function spawnNode(
  entry: string,
  args: string[],
  env: Record<string, string | undefined>,
): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(REPO, entry), ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** Each service's entry point and the variable naming the port of its /metrics, /healthz and /readyz. */
const SERVICES = {
  collector: { entry: 'services/collector/src/main.ts', portVariable: 'COLLECTOR_PORT' },
  ingest: { entry: 'services/ingest/src/main.ts', portVariable: 'INGEST_METRICS_PORT' },
  modeling: { entry: 'services/modeling/src/main.ts', portVariable: 'MODELING_METRICS_PORT' },
  trigger: { entry: 'services/trigger/src/main.ts', portVariable: 'TRIGGER_METRICS_PORT' },
} as const;

export interface BenchService {
  name: keyof typeof SERVICES;
  child: ChildProcess;
  /** Where its ops endpoints answer (the collector's API too). */
  url: string;
}

/**
 * Starts a service in its own process on a free port. Its output goes to
 * this process's stderr: a pipe nobody reads would stop it once full.
 */
export async function spawnService(
  name: keyof typeof SERVICES,
  env: Record<string, string | undefined>,
): Promise<BenchService> {
  const port = await freePort();
  const { entry, portVariable } = SERVICES[name];
  const child = spawnNode(entry, [], { ...env, [portVariable]: String(port) });
  child.stdout?.pipe(process.stderr, { end: false });
  return { name, child, url: `http://127.0.0.1:${port}` };
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls a URL until it answers 200. */
export async function waitUntilOk(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Resolves with the process's last stdout line when it exits 0. */
export function lastLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`process exited with ${code}`));
      else resolve(out.trim().split('\n').pop() ?? '');
    });
  });
}

export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
