/**
 * Errors of this package are classes with stable codes so callers can branch on `code`, never on the
 * message. None is retriable: a missing or malformed data file does not fix itself by waiting.
 */
export class DatasetMissingError extends Error {
  readonly code = 'PULSE_DATASET_MISSING';
  readonly retriable = false;

  constructor(
    /** The file's path inside the data folder, e.g. `online-retail/online_retail.csv.gz`. */
    readonly file: string,
    /** Where it was looked for. */
    readonly path: string,
  ) {
    super(
      `Dataset file missing: expected ${file} at ${path}. ` +
        'Put the shared data there (see shared/data/README.md next to the repository) ' +
        'or set PULSE_DATA_DIR to the folder that holds it.',
    );
    this.name = 'DatasetMissingError';
  }
}

/** The file exists but is not the data set we expect (wrong header, broken CSV framing). */
export class DatasetFormatError extends Error {
  readonly code = 'PULSE_DATASET_FORMAT';
  readonly retriable = false;

  constructor(
    readonly path: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`Dataset file ${path} is not in the expected format: ${detail}`, options);
    this.name = 'DatasetFormatError';
  }
}
