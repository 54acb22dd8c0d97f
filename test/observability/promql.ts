/** PromQL words that are not metric names. */
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression selects. Strings, label matchers,
 * range and subquery brackets, and grouping clauses are removed first; what
 * remains that is not a function call or a keyword is a metric name.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = m[0];
    const after = stripped.slice((m.index ?? 0) + word.length).trimStart();
    if (after.startsWith('(') || KEYWORDS.has(word.toLowerCase())) continue;
    // A number like 1e3 starts with a digit and is never matched; a duration suffix only follows digits.
    if (/\d$/.test(stripped.slice(0, m.index ?? 0).trimEnd())) continue;
    names.add(word);
  }
  return [...names];
}

/** What a service registry exports, as the sample names a query can select (histograms: _bucket, _sum, _count). */
export function sampleNames(families: ReadonlyArray<{ name: string; type: unknown }>): Set<string> {
  const names = new Set<string>();
  for (const f of families) {
    // prom-client's types call `type` an enum; at run time it is the Prometheus type name.
    const type = String(f.type);
    if (type === 'histogram') {
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${f.name}${suffix}`);
    } else if (type === 'summary') {
      for (const suffix of ['', '_sum', '_count']) names.add(`${f.name}${suffix}`);
    } else {
      names.add(f.name);
    }
  }
  return names;
}
