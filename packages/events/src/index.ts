// @pulse/events: the event contract every Pulse service imports.
export { type BatchEnvelope, expandBatch, validateBatchEnvelope } from './batch.js';
export { consentDenies, consentPreference } from './consent.js';
export { decodeStoredEvent } from './decode-stored-event.js';
export {
  type CartViewedProperties,
  type CheckoutStartedProperties,
  ECOMMERCE_EVENTS,
  type EcommerceEventName,
  type EcommercePropertiesByEvent,
  isEcommerceEvent,
  type OrderCompletedProperties,
  type OrderRefundedProperties,
  type Product,
  type ProductAddedProperties,
  type ProductRemovedProperties,
  type ProductViewedProperties,
  productsOf,
} from './ecommerce.js';
export { generateId } from './id.js';
export { LIMITS, MAX_ID_LENGTH } from './limits.js';
export type { Problem, ProblemCode, Validated } from './problems.js';
export {
  type EventLine,
  type EventRecord,
  groupIntoRecords,
  MAX_RECORD_BYTES,
  RECORD_SEPARATOR,
  splitRecord,
} from './record.js';
export {
  decodeRegulation,
  deletes,
  encodeRegulation,
  REGULATION_TYPES,
  type RegulationRecord,
  type RegulationType,
  SUBJECT_TYPES,
  type SubjectType,
  suppresses,
} from './regulation.js';
export { DEFAULT_MAX_REGULATED_SUBJECTS, RegulationState } from './regulation-state.js';
export { decodeSegmentChange, encodeSegmentChange, type SegmentChangeRecord } from './segment-change.js';
export { encodeStoredEvent, type StoredEvent, type StoredEventMeta, toStoredEvent } from './stored-event.js';
export { correctTimestamp } from './timestamps.js';
export { EVENT_TYPES, type EventType, type JsonObject, type JsonValue, type SegmentEvent } from './types.js';
export { type ValidateOptions, validateEvent } from './validate.js';
