import { PulseError } from '@pulse/common';

/** A recommendation model's configuration is invalid; the message names every bad field. */
export class RecsConfigError extends PulseError {
  constructor(message: string) {
    super('PULSE_RECS_CONFIG_INVALID', message);
  }
}

/**
 * A checkpointed model state cannot be restored (another version, another model, damaged). Rebuild
 * the state by replaying the events from the start; resuming from a state we cannot read would count
 * events twice or not at all.
 */
export class RecsSnapshotError extends PulseError {
  constructor(message: string) {
    super('PULSE_RECS_SNAPSHOT_INVALID', message);
  }
}

/** A model was asked for something its input cannot support (bad k, unknown model name). */
export class RecsRequestError extends PulseError {
  constructor(message: string) {
    super('PULSE_RECS_REQUEST_INVALID', message);
  }
}

/** The recommendations API was asked about an item no event or description mentioned. */
export class RecsUnknownItemError extends PulseError {
  constructor(item: string) {
    super(
      'PULSE_RECS_UNKNOWN_ITEM',
      `no event or description mentions item "${item}" yet; check the id (it is the product_id or sku of the events)`,
    );
  }
}
