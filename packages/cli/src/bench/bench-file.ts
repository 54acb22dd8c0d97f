import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type BenchFigures = Record<string, unknown>;

/** The figures earlier runs left in the file; none when it does not exist yet. */
export function readBenchFigures(path: string): BenchFigures {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as BenchFigures) : {};
}

/** Merges figures into the flat JSON object in .pulse/bench.json, keeping those other benches wrote. */
export function writeBenchFigures(path: string, figures: BenchFigures): BenchFigures {
  const merged = { ...readBenchFigures(path), ...figures };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(merged, null, 2)}\n`);
  return merged;
}
