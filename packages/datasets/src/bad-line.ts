/** A line of a data file that could not be read: reported as a value, never thrown. */
export interface BadLine {
  file: string;
  /** 1-based line number in the file. */
  line: number;
  /** Stable snake_case code. */
  reason: string;
  /** The start of the line, enough to find it; a broken line can be megabytes long. */
  excerpt: string;
}

export type BadLineHandler = (bad: BadLine) => void;

const EXCERPT_CHARS = 200;

export function badLine(file: string, line: number, reason: string, text: string): BadLine {
  return { file, line, reason, excerpt: text.slice(0, EXCERPT_CHARS) };
}

/**
 * Used when the caller passes no handler: a process warning, so a bad line is never dropped
 * silently, without this package owning a logger.
 */
export function warnBadLine(bad: BadLine): void {
  process.emitWarning(`${bad.file}:${bad.line}: ${bad.reason}: ${bad.excerpt}`, {
    code: 'PULSE_DATASET_BAD_LINE',
  });
}
