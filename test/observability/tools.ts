import { execFileSync } from 'node:child_process';

/**
 * The path of a Prometheus tool from Debian's `prometheus` package, or an
 * error telling how to install it. Tests that need it fail with that
 * message instead of being skipped: a missing tool must not look like a pass.
 */
export function prometheusTool(name: 'promtool' | 'prometheus'): string {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      `${name} is not installed. Install Prometheus from Debian's packages: ` +
        '`sudo apt-get update && sudo apt-get install -y prometheus` (or `make tools`, which `make test` runs).',
    );
  }
}
