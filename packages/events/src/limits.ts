/** Size limits of the Segment HTTP API, which clients already respect. */
export const LIMITS: {
  readonly maxEventBytes: 32768;
  readonly maxBatchBytes: 512000;
  readonly maxDepth: 32;
} = Object.freeze({
  /** An event larger than this once stored (encodeStoredEvent) is rejected. */
  maxEventBytes: 32768,
  /** A whole /v1/batch request body. */
  maxBatchBytes: 512000,
  /** Containers nested inside properties, traits, context, integrations (the field itself is level 1). */
  maxDepth: 32,
});

/** Ids and event names longer than this are mistakes (or abuse), never real identifiers. */
export const MAX_ID_LENGTH = 256;

/** Per order or cart; more is a client bug, and the stored event would exceed maxEventBytes anyway. */
export const MAX_PRODUCTS = 1000;
