import type { StoredEvent } from '@pulse/events';

/**
 * A model the worker keeps up to date event by event. Its state must be a
 * pure function of the events applied, in order, so that a checkpoint plus
 * the events after it rebuild exactly the state a crash interrupted.
 */
export interface IncrementalModel {
  readonly name: string;
  apply(event: StoredEvent): void;
  /** A JSON-serialisable copy of the state (taken synchronously, between events). */
  snapshot(): unknown;
  restore(snapshot: unknown): void;
  /** Forgets everything kept about one person (user_key), for a deletion request; whether there was any. */
  forget?(key: string): boolean;
}
