import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from './ids.js';

const run = promisify(execFile);
const KAFKA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'infra', 'kafka');

/**
 * A Kafka broker of the test's own (own ports and data directory), so a
 * fault test can stop and restart it without disturbing the shared one.
 */
export class PrivateBroker {
  readonly dataDir = tempDir('pulse-kafka');

  constructor(
    readonly port: number,
    readonly controllerPort = port + 1,
  ) {}

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  private env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      KAFKA_PORT: String(this.port),
      KAFKA_CONTROLLER_PORT: String(this.controllerPort),
      KAFKA_DATA_DIR: this.dataDir,
      KAFKA_HEAP_OPTS: '-Xms128m -Xmx384m',
    };
  }

  async start(): Promise<void> {
    await run(join(KAFKA_DIR, 'start.sh'), [], { env: this.env(), timeout: 120_000 });
  }

  async stop(): Promise<void> {
    await run(join(KAFKA_DIR, 'stop.sh'), [], { env: this.env(), timeout: 60_000 });
  }

  async destroy(): Promise<void> {
    await run(join(KAFKA_DIR, 'stop.sh'), ['--wipe'], { env: this.env(), timeout: 60_000 });
  }
}
