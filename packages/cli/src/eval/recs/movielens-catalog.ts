import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { PulseError } from '@pulse/common';

/**
 * MovieLens movies.csv (movieId,title,genres) as item texts for the content model: the title and
 * the genres ("Toy Story (1995)" + "Adventure|Animation|Children|Comedy|Fantasy"). Titles with commas
 * are quoted, with "" for a quote inside.
 */
export async function readMovieLensCatalog(path: string): Promise<Map<string, string>> {
  const catalog = new Map<string, string>();
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (line === 1) {
      if (!text.replace(/^\uFEFF/, '').startsWith('movieId,title,genres')) {
        throw new PulseError(
          'PULSE_EVAL_CATALOG_FORMAT',
          `${path} is not a MovieLens movies.csv: header is ${text}`,
        );
      }
      continue;
    }
    if (text === '') continue;
    const fields = splitCsvLine(text);
    const [id, title, genres] = fields;
    if (fields.length !== 3 || !id || !/^\d+$/.test(id)) {
      throw new PulseError(
        'PULSE_EVAL_CATALOG_FORMAT',
        `${path}:${line}: expected movieId,title,genres, got ${text}`,
      );
    }
    catalog.set(id, `${title} ${genres === '(no genres listed)' ? '' : genres!.replaceAll('|', ' ')}`);
  }
  return catalog;
}

/** One CSV line split into fields (RFC 4180 quoting, no line breaks inside fields). */
export function splitCsvLine(text: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else {
      field += ch;
    }
  }
  fields.push(field);
  return fields;
}
