import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDataDir, OTTO_SAMPLE_FILE, readOttoSessions } from '@pulse/datasets';
import { formatPrequentialLine } from '@pulse/modeling';
import { describe, expect, it } from 'vitest';
import { runEvalRecs } from './run-eval.js';

const dataDir = process.env['PULSE_DATA_DIR'] ?? defaultDataDir();
const ottoFile = join(dataDir, OTTO_SAMPLE_FILE);
const LINE =
  /^\{"events":\d+,"predictions":\d+,"hr@10":[\d.]+,"hr@20":[\d.]+,"mrr@20":[\d.]+,"popularity_hr@20":[\d.]+,"seconds":[\d.]+\}$/;

/** Predictions the protocol makes on the sample, counted from the raw sessions independently. */
async function expectedOttoPredictions(): Promise<number> {
  let predictions = 0;
  for await (const s of readOttoSessions({ dataDir })) {
    const seen = new Set<number>();
    for (const e of s.events) {
      if (seen.size > 0 && !seen.has(e.aid)) predictions += 1;
      seen.add(e.aid);
    }
  }
  return predictions;
}

describe('pulse eval recs', () => {
  it('replays the OTTO sample and prints the agreed line with the right counts', async () => {
    const report = await runEvalRecs({ sessions: ottoFile, model: 'item-cosine', k: 20, settings: {} });
    const line = formatPrequentialLine(report.result);
    expect(line).toMatch(LINE);
    const r = report.result;
    expect(r.events).toBe(862);
    expect(r.predictions).toBe(await expectedOttoPredictions());
    expect(r.predictions).toBeGreaterThan(400);
    expect(r['hr@10']).toBeLessThanOrEqual(r['hr@20']);
    expect(r['mrr@20']).toBeLessThanOrEqual(r['hr@20']);
    expect(report.badLines).toBe(0);
  });

  it('gives the same figures when the sort spills to disk in small chunks', async () => {
    const inMemory = await runEvalRecs({ sessions: ottoFile, model: 'item-llr', k: 20, settings: {} });
    const spilled = await runEvalRecs({
      sessions: ottoFile,
      model: 'item-llr',
      k: 20,
      settings: {},
      chunkRecords: 50,
    });
    expect({ ...spilled.result, seconds: 0 }).toEqual({ ...inMemory.result, seconds: 0 });
  });

  it('replays MovieLens ratings in time order across users, reports bad rows, and stops at --limit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pulse-eval-ml-'));
    const file = join(dir, 'ratings.csv');
    // User 1 rates 10, 20, 30 over time; user 2 rates 20, 30 in between; one row is broken.
    const rows = ['1,10,4,100', '1,20,4,300', '1,30,4,500', '2,20,3,200', '2,30,5,400', 'x,1,1,1'];
    await writeFile(file, `userId,movieId,rating,timestamp\n${rows.join('\n')}\n`);
    const bad: number[] = [];
    const report = await runEvalRecs({
      ratings: file,
      model: 'item-cosine',
      k: 20,
      settings: {},
      chunkRecords: 2,
      onBadLine: (b) => bad.push(b.line),
    });
    expect(bad).toEqual([7]);
    expect(report.badLines).toBe(1);
    // Predictions: user 1's 20 and 30, user 2's 30: three.
    expect([report.result.events, report.result.predictions]).toEqual([5, 3]);
    // User 1's 20 comes from popularity (10 has no neighbours yet) and 30 as 20's neighbour (user 2
    // had it); user 2's 30 cannot be found: nobody had rated it before.
    expect(report.result['hr@20']).toBe(0.6667);
    const limited = await runEvalRecs({ ratings: file, model: 'popularity', k: 20, settings: {}, limit: 3 });
    expect(limited.result.events).toBe(3);
  });

  it('says what is wrong with the arguments', async () => {
    await expect(runEvalRecs({ model: 'item-cosine', k: 20, settings: {} })).rejects.toThrow(
      /exactly one of/,
    );
    await expect(runEvalRecs({ sessions: ottoFile, model: 'magic', k: 20, settings: {} })).rejects.toThrow(
      /unknown model "magic"/,
    );
    await expect(runEvalRecs({ sessions: ottoFile, model: 'content', k: 20, settings: {} })).rejects.toThrow(
      /needs item descriptions/,
    );
    await expect(
      runEvalRecs({ sessions: '/no/such/file.jsonl', model: 'svd', k: 20, settings: {} }),
    ).rejects.toThrow(/no file at/);
  });
});
