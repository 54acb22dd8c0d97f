import { CsvError, parse } from 'csv-parse';
import { type BadLineHandler, badLine, warnBadLine } from './bad-line.js';
import { resolveDataFile } from './data-dir.js';
import { DatasetFormatError } from './errors.js';
import { streamFileInto } from './text-stream.js';

export const MOVIELENS_RATINGS_FILE = 'movielens-latest-small/ratings.csv';

export interface Rating {
  userId: string;
  movieId: string;
  /** 0.5 to 5 in half stars. */
  rating: number;
  timestamp: Date;
}

const HEADER = ['userId', 'movieId', 'rating', 'timestamp'] as const;
const ID = /^\d+$/;

/**
 * Streams MovieLens ratings (ml-25m has 25 million lines: never loaded whole). `file` is relative to
 * the data folder and may end in `.gz`. Unreadable rows go to `onBadLine` (default: a process
 * warning); a wrong header throws DatasetFormatError.
 */
export async function* readMovieLensRatings(opts?: {
  dataDir?: string;
  file?: string;
  onBadLine?: BadLineHandler;
}): AsyncGenerator<Rating> {
  const file = opts?.file ?? MOVIELENS_RATINGS_FILE;
  const onBadLine = opts?.onBadLine ?? warnBadLine;
  const path = await resolveDataFile(file, opts?.dataDir);
  const parser = streamFileInto(path, parse({ bom: true, relax_column_count: true }));
  let line = 0;
  try {
    for await (const record of parser) {
      const fields = record as string[];
      line += 1;
      if (line === 1) {
        if (!HEADER.every((name, i) => fields[i] === name)) {
          throw new DatasetFormatError(path, `header is ${fields.join(',')}, expected ${HEADER.join(',')}`);
        }
        continue;
      }
      const rating = parseRating(fields);
      if (typeof rating === 'string') onBadLine(badLine(file, line, rating, fields.join(',')));
      else yield rating;
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    throw new DatasetFormatError(path, `CSV error after line ${line}: ${error.message}`, { cause: error });
  }
}

/** A rating, or the reason the row is not one. */
export function parseRating(fields: readonly string[]): Rating | string {
  if (fields.length !== HEADER.length) return 'wrong_column_count';
  const [userId = '', movieId = '', ratingText = '', timestampText = ''] = fields;
  if (!ID.test(userId)) return 'invalid_user_id';
  if (!ID.test(movieId)) return 'invalid_movie_id';
  const rating = Number(ratingText);
  if (ratingText === '' || !Number.isFinite(rating) || rating < 0 || rating > 5) return 'invalid_rating';
  if (!ID.test(timestampText)) return 'invalid_timestamp';
  return { userId, movieId, rating, timestamp: new Date(Number(timestampText) * 1000) };
}
