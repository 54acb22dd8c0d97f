import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type BenchFigures = Record<string, unknown>;

/** Merges figures into the flat JSON object in .pulse/bench.json, keeping those other benches wrote. */
export function writeBenchFigures(path: string, figures: BenchFigures): BenchFigures {
  const current = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as BenchFigures) : {};
  const merged = { ...current, ...figures };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(merged, null, 2)}\n`);
  return merged;
}
