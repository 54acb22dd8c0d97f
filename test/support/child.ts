import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the working directory of the processes these helpers start. */
export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A service's main.ts running in a child process, as in production: its own engine, its own signals. */
export interface ChildService {
  readonly process: ChildProcess;
  /** Resolves when the process has ended, however it ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The tail of its stdout and stderr, for failure messages. */
  output(): string;
}

/**
 * Runs `entry` (a path from the repository root) with node and tsx's loader.
 * Node itself is the child, not a tsx wrapper, so a signal sent to it reaches
 * the service and SIGKILL kills it for real.
 */
export function spawnService(entry: string, env: Record<string, string>): ChildService {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-16_384);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { process: child, exited, output: () => tail };
}

/** Sends `signal` and waits for the process to end; SIGKILL after `timeoutMs` if it has not. */
export async function stopService(
  service: ChildService,
  signal: NodeJS.Signals,
  timeoutMs = 30_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (service.process.exitCode !== null || service.process.signalCode !== null) return service.exited;
  service.process.kill(signal);
  const timer = setTimeout(() => service.process.kill('SIGKILL'), timeoutMs);
  try {
    return await service.exited;
  } finally {
    clearTimeout(timer);
  }
}
