export type { BadLine, BadLineHandler } from './bad-line.js';
export { defaultDataDir, resolveDataFile } from './data-dir.js';
export { DatasetFormatError, DatasetMissingError } from './errors.js';
export { mapOnlineRetail, type RetailItem } from './map-online-retail.js';
export { mapOttoSession } from './map-otto-session.js';
export { MOVIELENS_RATINGS_FILE, type Rating, readMovieLensRatings } from './movielens.js';
export {
  OTTO_SAMPLE_FILE,
  type OttoEvent,
  type OttoEventType,
  type OttoSession,
  readOttoSessions,
} from './otto.js';
export { ONLINE_RETAIL_FILE, readOnlineRetail } from './read-online-retail.js';
export type { ChargeKind } from './retail-charges.js';
export type { RetailProduct } from './retail-invoice.js';
export type { RetailLine, RetailProblem, RetailProblemReason } from './retail-line.js';
export type {
  SegmentCall,
  SegmentIdentifyCall,
  SegmentIdentity,
  SegmentTrackCall,
} from './segment-call.js';
export { type RetailSummary, RetailTally, summarizeRetail } from './summarize-retail.js';
export { parseUkDateTime, ukWallClockToUtcMs } from './uk-time.js';
