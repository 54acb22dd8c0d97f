import type { StoredEvent } from '@pulse/events';
import type { IncrementalModel } from '../worker/model.js';
import { interactionsFromStoredEvent } from './interaction.js';
import type { RecModel } from './model.js';
import { createModel, type ModelSettings, restoreModel, type SnapshotModel } from './models.js';

/**
 * A recommendation model as the modeling worker drives it: stored events in, interactions learned,
 * the state checkpointed and restored as one JSON value. The same classes and the same `learn` as
 * the offline evaluation, so what `pnpm pulse eval recs` measures is what runs.
 */
export class RecsIncrementalModel implements IncrementalModel {
  readonly name: string;
  private current: SnapshotModel;
  private skipped = 0;

  constructor(name: string, settings: ModelSettings = {}, catalog?: ReadonlyMap<string, string>) {
    this.name = `recs:${name}`;
    this.current = createModel(name, settings, catalog) as SnapshotModel;
  }

  /** The live model, for answering requests (read between `apply` calls). */
  get model(): RecModel {
    return this.current;
  }

  /** Events that carried no item interaction (identify, page, refunds, ...). */
  get eventsWithoutItems(): number {
    return this.skipped;
  }

  apply(event: StoredEvent): void {
    const interactions = interactionsFromStoredEvent(event);
    if (interactions.length === 0) this.skipped += 1;
    for (const x of interactions) this.current.learn(x);
  }

  /** Forgets the person's open basket (or matrix row); counts summed over everyone stay. */
  forget(key: string): boolean {
    return this.current.forgetSession?.(key) ?? false;
  }

  snapshot(): unknown {
    return { model: this.current.toSnapshot(), eventsWithoutItems: this.skipped };
  }

  restore(snapshot: unknown): void {
    const s = snapshot as { model?: unknown; eventsWithoutItems?: unknown } | null;
    this.current = restoreModel(s?.model);
    this.skipped = typeof s?.eventsWithoutItems === 'number' ? s.eventsWithoutItems : 0;
  }
}
