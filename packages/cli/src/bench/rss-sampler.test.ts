import { describe, expect, it } from 'vitest';
import { residentBytes, residentParts } from './rss-sampler.js';

describe('residentParts', () => {
  it("splits this process's RSS into anonymous and file-backed pages that add up to it", () => {
    const parts = residentParts(process.pid);
    expect(parts).toBeDefined();
    const { rss, anon, file } = parts!;
    expect(anon).toBeGreaterThan(0);
    expect(file).toBeGreaterThan(0);
    // The rest is shared memory (RssShmem), next to nothing for a node process.
    expect(rss - anon - file).toBeGreaterThanOrEqual(0);
    expect(rss - anon - file).toBeLessThan(rss * 0.05);
    expect(residentBytes(process.pid)).toBeGreaterThan(0);
  });

  it('is undefined for a process that does not exist', () => {
    expect(residentParts(2 ** 22 + 1)).toBeUndefined();
  });
});
