import { CsvError, parse } from 'csv-parse';
import { resolveDataFile } from './data-dir.js';
import { DatasetFormatError } from './errors.js';
import { parseRetailRecord, RETAIL_COLUMNS, type RetailLine } from './retail-line.js';
import { streamFileInto } from './text-stream.js';

export const ONLINE_RETAIL_FILE = 'online-retail/online_retail.csv.gz';

/**
 * Streams the UCI Online Retail invoice lines (gunzip + csv-parse, one record in memory at a time).
 * Bad fields come out as values (`problems`); a wrong header or broken CSV quoting means it is not
 * the file we think it is, and throws DatasetFormatError.
 */
export async function* readOnlineRetail(opts?: { dataDir?: string }): AsyncGenerator<RetailLine> {
  const path = await resolveDataFile(ONLINE_RETAIL_FILE, opts?.dataDir);
  // Records as arrays, not objects: no per-row key objects, and the header is checked by us.
  const parser = streamFileInto(path, parse({ bom: true, relax_column_count: true }));
  let line = 0;
  try {
    for await (const record of parser) {
      const fields = record as string[];
      if (line === 0 && !isRetailHeader(fields)) {
        throw new DatasetFormatError(
          path,
          `header is ${fields.join(',')}, expected ${RETAIL_COLUMNS.join(',')}`,
        );
      }
      if (line > 0) yield parseRetailRecord(fields, line);
      line += 1;
    }
  } catch (error) {
    if (error instanceof CsvError) {
      throw new DatasetFormatError(path, `CSV error after data row ${line - 1}: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
  if (line === 0) throw new DatasetFormatError(path, 'the file is empty');
}

function isRetailHeader(fields: readonly string[]): boolean {
  return (
    fields.length === RETAIL_COLUMNS.length && RETAIL_COLUMNS.every((name, i) => fields[i]?.trim() === name)
  );
}
