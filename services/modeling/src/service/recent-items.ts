import type { StoredEvent } from '@pulse/events';
import { interactionsFromStoredEvent } from '../recs/interaction.js';
import type { IncrementalModel } from '../worker/model.js';

export interface RecentItemsOptions {
  /** Distinct recent items kept per person (the history recommendations start from). */
  perPerson: number;
  /** Purchased items kept per person (never recommended back to them). */
  purchasedPerPerson: number;
  /** People kept; the least recently active are forgotten first. */
  people: number;
}

interface Person {
  recent: string[];
  purchased: string[];
}

export interface RecentItemsSnapshot {
  v: 1;
  /** Least recently active first. */
  people: Array<[string, Person]>;
}

/**
 * What each person interacted with lately and what they bought: the input of the per-person
 * recommendations. Bounded three ways (items per person, purchases per person, people), so a long
 * tail of one-time visitors cannot grow it without limit.
 */
export class RecentItemsModel implements IncrementalModel {
  readonly name = 'recs:people';
  private people = new Map<string, Person>();
  /**
   * Purchases as Sets, made when an answer needs one and dropped when the person buys again or
   * leaves: a Set of up to `purchasedPerPerson` items built per request was a third of what a
   * recommendation allocated.
   */
  private purchasedSets = new Map<string, ReadonlySet<string>>();

  constructor(private readonly options: RecentItemsOptions) {}

  get size(): number {
    return this.people.size;
  }

  apply(event: StoredEvent): void {
    const interactions = interactionsFromStoredEvent(event);
    if (interactions.length === 0) return;
    const key = event.user_key;
    let person = this.people.get(key);
    if (person) {
      this.people.delete(key);
    } else {
      person = { recent: [], purchased: [] };
      if (this.people.size >= this.options.people) {
        const oldest = this.people.keys().next().value;
        if (oldest !== undefined) this.forget(oldest);
      }
    }
    this.people.set(key, person);
    for (const x of interactions) {
      moveToEnd(person.recent, x.item, this.options.perPerson);
      if (x.kind === 'purchase') {
        moveToEnd(person.purchased, x.item, this.options.purchasedPerPerson);
        this.purchasedSets.delete(key);
      }
    }
  }

  /** Recent items, oldest first, and purchased items; undefined for someone never seen with an item. */
  of(key: string): Readonly<Person> | undefined {
    return this.people.get(key);
  }

  /** What the person bought, as a Set (empty for someone who bought nothing), kept until it changes. */
  purchasedSet(key: string): ReadonlySet<string> {
    let set = this.purchasedSets.get(key);
    if (set === undefined) {
      const purchased = this.people.get(key)?.purchased;
      if (purchased === undefined || purchased.length === 0) return NOTHING;
      set = new Set(purchased);
      this.purchasedSets.set(key, set);
    }
    return set;
  }

  /** Forgets a person (deletion requests, and the least recently active when full). */
  forget(key: string): boolean {
    this.purchasedSets.delete(key);
    return this.people.delete(key);
  }

  snapshot(): RecentItemsSnapshot {
    return { v: 1, people: [...this.people] };
  }

  restore(snapshot: unknown): void {
    const s = snapshot as RecentItemsSnapshot;
    this.people = new Map(s.people);
    this.purchasedSets.clear();
  }
}

const NOTHING: ReadonlySet<string> = new Set();

function moveToEnd(list: string[], item: string, limit: number): void {
  const at = list.indexOf(item);
  if (at >= 0) list.splice(at, 1);
  list.push(item);
  if (list.length > limit) list.splice(0, list.length - limit);
}
