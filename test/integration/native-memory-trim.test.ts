import { rmSync } from 'node:fs';
import { createClickHouse, queryRows } from '@pulse/clickhouse';
import { holdNativeMemoryTrim, mallocStats, nativeTrimStats } from '@pulse/common';
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../support/chdb.js';
import { tempDir } from '../support/ids.js';

const chdbPath = tempDir('pulse-native-trim');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterAll(() => rmSync(chdbPath, { recursive: true, force: true }));

// An embedded engine's process gives freed native memory back to the system while the client is
// open, and stops when it closes (see native-memory-trim.ts for the soak figures behind it).
describe('native memory trimming', () => {
  it('finds glibc malloc_trim on this Linux machine', () => {
    holdNativeMemoryTrim(60_000)();
    expect(nativeTrimStats().available).toBe(true);
  });

  it("reads glibc's account of its arenas: what a Buffer takes shows as in use", () => {
    const before = mallocStats();
    const held = Buffer.alloc(64 * 1024 * 1024, 1);
    const after = mallocStats();
    expect(before && after).toBeTruthy();
    // 64 MB is above every mmap threshold glibc sets itself: a block of its own.
    expect((after?.mmapped ?? 0) - (before?.mmapped ?? 0)).toBeGreaterThanOrEqual(held.length);
    expect(after?.inUse).toBeGreaterThan(0);
  });

  it('trims while an embedded client is open and stops when it is closed', async () => {
    const client = createClickHouse({ database: testDatabase(), chdbPath, nativeTrimIntervalMs: 50 });
    const before = nativeTrimStats().trims;
    const [row] = await queryRows<{ n: string }>(client, 'SELECT count() AS n FROM numbers(1000000)');
    expect(Number(row?.n)).toBe(1_000_000);
    await sleep(600);
    const whileOpen = nativeTrimStats().trims;
    expect(whileOpen - before).toBeGreaterThanOrEqual(3);

    await client.close();
    await sleep(200);
    const afterClose = nativeTrimStats().trims;
    await sleep(400);
    expect(nativeTrimStats().trims).toBe(afterClose);
  });

  it('shares one timer between holders: it runs until the last one lets go', async () => {
    const first = holdNativeMemoryTrim(50);
    const second = holdNativeMemoryTrim(50);
    first();
    first(); // releasing twice must not release the other holder's share
    const start = nativeTrimStats().trims;
    await sleep(400);
    expect(nativeTrimStats().trims - start).toBeGreaterThanOrEqual(2);
    second();
    await sleep(150);
    const stopped = nativeTrimStats().trims;
    await sleep(300);
    expect(nativeTrimStats().trims).toBe(stopped);
  });

  it('does nothing when the interval is 0', async () => {
    const release = holdNativeMemoryTrim(0);
    const start = nativeTrimStats().trims;
    await sleep(200);
    expect(nativeTrimStats().trims).toBe(start);
    release();
  });
});
