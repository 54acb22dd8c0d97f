import { appendFileSync, mkdirSync } from 'node:fs';
import type { Reporter, TestCase } from 'vitest/node';

/**
 * Names every test that passed only on a retry, at the end of the run and in
 * .pulse/flaky-tests.txt: a retry keeps CI green on a loaded machine, and this
 * keeps the flake visible so that it gets fixed.
 */
export default class FlakyReporter implements Reporter {
  private readonly flaky: string[] = [];

  onTestCaseResult(testCase: TestCase): void {
    const { flaky, retryCount } = testCase.diagnostic() ?? { flaky: false, retryCount: 0 };
    if (flaky) this.flaky.push(`${testCase.module.moduleId} > ${testCase.fullName} (retries: ${retryCount})`);
  }

  onTestRunEnd(): void {
    if (this.flaky.length === 0) return;
    const lines = this.flaky.map((name) => `FLAKY (passed on retry): ${name}`).join('\n');
    process.stdout.write(`\n${lines}\n`);
    mkdirSync('.pulse', { recursive: true });
    appendFileSync('.pulse/flaky-tests.txt', `${new Date().toISOString()}\n${lines}\n`);
  }
}
