import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { sleep } from '@pulse/common';
import { tempDir } from './ids.js';

const run = promisify(execFile);

/**
 * A redis-server of the test's own (own port, own directory) that keeps an append-only file, so a
 * fault test can restart it without touching the shared Redis. appendfsync is everysec (Redis's
 * default): a SIGKILL may lose the last second of writes, a SHUTDOWN (what `shutdown()` sends) writes
 * and syncs the file first, so a clean restart keeps everything.
 */
export class PrivateRedis {
  readonly dir = tempDir('pulse-redis');
  private server: ChildProcess | undefined;
  private log = '';

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts redis-server on the directory (loading its AOF) and waits until it answers PING. */
  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir];
    args.push('--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '');
    const server = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      this.log = (this.log + chunk.toString('utf8')).slice(-8192);
    };
    server.stdout?.on('data', keep);
    server.stderr?.on('data', keep);
    this.server = server;
    const deadline = Date.now() + 30_000;
    // While it loads the AOF, Redis answers PING with a LOADING error.
    while ((await this.cli('PING').catch(() => '')) !== 'PONG') {
      if (server.exitCode !== null) throw new Error(`redis-server exited:\n${this.log}`);
      if (Date.now() > deadline) throw new Error(`redis-server not answering:\n${this.log}`);
      await sleep(50);
    }
  }

  /** SHUTDOWN (the AOF is written and synced), then waits for the process to end. */
  async shutdown(): Promise<void> {
    const server = this.server;
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    // The connection closes without an answer when the server goes: not an error.
    await this.cli('SHUTDOWN').catch(() => undefined);
    await exited;
    this.server = undefined;
  }

  /** Runs one command with redis-cli and returns its answer. */
  async cli(...command: string[]): Promise<string> {
    const { stdout } = await run('redis-cli', ['-p', String(this.port), ...command], { timeout: 10_000 });
    return stdout.trim();
  }

  async destroy(): Promise<void> {
    await this.shutdown();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
