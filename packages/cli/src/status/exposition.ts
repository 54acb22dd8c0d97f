/** One sample of the Prometheus text exposition format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A scrape: its samples, and the declared type of each metric family. */
export interface Exposition {
  samples: Sample[];
  types: Map<string, string>;
}

export class ExpositionError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line} of the metrics: ${reason}`);
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

/**
 * Parses the text exposition format (what prom-client serves on /metrics):
 * comments, `# TYPE` lines, samples with or without labels, escaped label
 * values, +Inf/-Inf/NaN and optional timestamps. A malformed line is an
 * ExpositionError naming it, never a silently wrong figure.
 */
export function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (m) types.set(m[1]!, m[2]!);
      continue;
    }
    samples.push(parseSample(line, i + 1));
  }
  return { samples, types };
}

function parseSample(line: string, lineNo: number): Sample {
  const name = NAME.exec(line)?.[0];
  if (!name)
    throw new ExpositionError(lineNo, `expected a metric name, got ${JSON.stringify(line.slice(0, 40))}`);
  let pos = name.length;
  const labels: Record<string, string> = {};
  if (line[pos] === '{') {
    pos++;
    for (;;) {
      while (line[pos] === ' ' || line[pos] === ',') pos++;
      if (line[pos] === '}') {
        pos++;
        break;
      }
      const label = NAME.exec(line.slice(pos))?.[0];
      if (!label || line[pos + label.length] !== '=' || line[pos + label.length + 1] !== '"') {
        throw new ExpositionError(lineNo, `malformed labels in ${JSON.stringify(line.slice(0, 80))}`);
      }
      pos += label.length + 2;
      let value = '';
      for (;;) {
        const c = line[pos];
        if (c === undefined) throw new ExpositionError(lineNo, 'unterminated label value');
        pos++;
        if (c === '"') break;
        if (c === '\\') {
          const next = line[pos++];
          value += next === 'n' ? '\n' : (next ?? '');
        } else {
          value += c;
        }
      }
      labels[label] = value;
    }
  }
  const [raw] = line.slice(pos).trim().split(/\s+/);
  const value = parseValue(raw);
  if (value === undefined)
    throw new ExpositionError(lineNo, `${name} has no readable value (${JSON.stringify(raw)})`);
  return { name, labels, value };
}

function parseValue(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw === '+Inf' || raw === 'Inf') return Number.POSITIVE_INFINITY;
  if (raw === '-Inf') return Number.NEGATIVE_INFINITY;
  if (raw === 'NaN') return Number.NaN;
  const n = Number(raw);
  return Number.isNaN(n) ? undefined : n;
}
