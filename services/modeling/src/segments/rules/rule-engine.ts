import type { CustomerActivity } from '../activity.js';
import type { SegmentChange } from '../changes.js';
import { SegmentStateError } from '../errors.js';
import { shortHash } from '../random.js';
import { bucketStart, bucketWidthMs, EventWindow, type EventWindowJson } from './event-window.js';
import { ExpiryQueue } from './expiry-queue.js';
import {
  type ComparisonOp,
  type Condition,
  type PerformedLeaf,
  parseSegmentRules,
  type SegmentRule,
  type TraitLeaf,
} from './rule-schema.js';

export type TraitValue = string | number | boolean;

interface CustomerRuleState {
  /** One per performed condition (index into `performed`), created on its first event. */
  windows: (EventWindow | undefined)[];
  traits: Map<string, TraitValue>;
  /** Membership per rule. */
  members: Uint8Array;
}

export interface RuleEngineSnapshot {
  /** 2: summed windows hold buckets (`n` counts their events); a version 1 snapshot's are folded into them. */
  v: 1 | 2;
  definitions: unknown[];
  clockMs: number | null;
  customers: Array<{
    key: string;
    windows: Array<EventWindowJson | null>;
    traits: Array<[string, TraitValue]>;
    members: string[];
  }>;
}

/**
 * Rule segments evaluated incrementally. An event touches only the windows of the conditions that
 * name it and re-evaluates only the rules that contain them; time passing is handled by a queue of
 * expiry times (one per customer), so a customer leaves "viewed 3 times in 7 days" exactly when the
 * third-newest view turns 7 days old, with no periodic scan of everyone. Summed windows have the
 * resolution of their buckets (a day from 7 days up, see EventWindow). Every evaluation that flips a
 * membership yields an entered / exited change. The state is bounded by customers × conditions,
 * whatever the number of events.
 */
export class RuleEngine {
  readonly rules: readonly SegmentRule[];
  private readonly versions: string[];
  private readonly performed: PerformedLeaf[] = [];
  /** Rules containing each performed condition. */
  private readonly rulesOfPerformed: number[][] = [];
  private readonly performedByEvent = new Map<string, number[]>();
  private readonly rulesByTrait = new Map<string, number[]>();
  /** Per rule: the performed conditions it reads (compiled tree below). */
  private readonly compiled: Array<(state: CustomerRuleState) => boolean>;
  private readonly rulesWithWindows: number[];
  private readonly customers = new Map<string, CustomerRuleState>();
  private readonly expiries = new ExpiryQueue();
  private clockMs: number | null = null;

  constructor(definitions: unknown) {
    this.rules = parseSegmentRules(definitions);
    this.versions = this.rules.map((rule) => `rule-${shortHash(JSON.stringify(rule.source))}`);
    this.compiled = this.rules.map((rule, r) => this.compile(rule.condition, r));
    this.rulesWithWindows = this.rules
      .map((_, r) => r)
      .filter((r) =>
        this.performed.some((leaf, i) => leaf.withinMs !== null && this.rulesOfPerformed[i]!.includes(r)),
      );
  }

  get clock(): number | null {
    return this.clockMs;
  }

  /** Whether any rule reads a trait (else the engine skips handing traits over). */
  get readsTraits(): boolean {
    return this.rulesByTrait.size > 0;
  }

  /** The rule segments a customer is in (segment ids, `rule:<id>`). */
  segmentsOf(key: string): string[] {
    const state = this.customers.get(key);
    if (state === undefined) return [];
    return this.rules.filter((_, r) => state.members[r] === 1).map((rule) => `rule:${rule.id}`);
  }

  /** Every customer in at least one rule segment, with those segments (a scan: for reports and tests). */
  *memberships(): Generator<[string, string[]]> {
    for (const key of this.customers.keys()) {
      const segments = this.segmentsOf(key);
      if (segments.length > 0) yield [key, segments];
    }
  }

  /**
   * Forgets a customer's windows, traits and memberships (a deletion request) without exit changes.
   * Their queued expiry goes with them.
   */
  forget(key: string): boolean {
    this.expiries.delete(key);
    return this.customers.delete(key);
  }

  /** How many customers the engine holds state for (visitors with empty windows are dropped). */
  get trackedCustomers(): number {
    return this.customers.size;
  }

  /** Entries held in every window and in the expiry queue: what grows with the state's memory. */
  get heldEntries(): { windows: number; expiries: number } {
    let windows = 0;
    for (const state of this.customers.values()) {
      for (const window of state.windows) windows += window?.entries ?? 0;
    }
    return { windows, expiries: this.expiries.size };
  }

  /** Expiries up to `nowMs`, each evaluated at its own instant, in time order. */
  advanceTo(nowMs: number): SegmentChange[] {
    const changes: SegmentChange[] = [];
    for (;;) {
      const next = this.expiries.peekTime();
      if (next === undefined || next > nowMs) break;
      // One entry per customer, moved when their next expiry changes: a popped entry is current.
      const { time, key } = this.expiries.pop()!;
      const state = this.customers.get(key);
      if (state === undefined) continue;
      this.clockMs = Math.max(this.clockMs ?? time, time);
      this.evaluate(key, state, this.rulesWithWindows, time, changes);
    }
    this.clockMs = Math.max(this.clockMs ?? nowMs, nowMs);
    return changes;
  }

  /** One event: counted in the windows of the conditions it matches, then the rules that read them. */
  apply(activity: CustomerActivity): SegmentChange[] {
    const changes = this.advanceTo(activity.timeMs);
    const now = this.clockMs!;
    let state = this.customers.get(activity.userKey);
    const isNew = state === undefined;
    if (state === undefined) {
      state = {
        windows: [],
        traits: new Map(),
        members: new Uint8Array(this.rules.length),
      };
      this.customers.set(activity.userKey, state);
    }
    const touched = new Set<number>();
    for (const i of this.performedByEvent.get(activity.event) ?? []) {
      const leaf = this.performed[i]!;
      if (!matchesWhere(leaf, activity)) continue;
      // Already expired (timed at its bucket's start when bucketed): not counted at all.
      if (leaf.withinMs !== null && entryTime(leaf, activity.timeMs) <= now - leaf.withinMs) continue;
      let window = state.windows[i];
      if (window === undefined) {
        window = newWindow(leaf);
        state.windows[i] = window;
      }
      window.add(activity.timeMs, leaf.sum === null ? 1 : numeric(activity.properties[leaf.sum]));
      for (const r of this.rulesOfPerformed[i]!) touched.add(r);
    }
    // A customer seen for the first time is evaluated on every rule: "did not order" holds for them too.
    const rules = isNew ? this.rules.map((_, r) => r) : [...touched].sort((a, b) => a - b);
    this.evaluate(activity.userKey, state, rules, now, changes);
    return changes;
  }

  /** New values of computed traits (RFM segment, cluster, predictions) for a customer. */
  setTraits(
    key: string,
    traits: Readonly<Record<string, TraitValue | null>>,
    nowMs: number,
  ): SegmentChange[] {
    const changes = this.advanceTo(nowMs);
    let state = this.customers.get(key);
    if (state === undefined) {
      state = {
        windows: [],
        traits: new Map(),
        members: new Uint8Array(this.rules.length),
      };
      this.customers.set(key, state);
    }
    const affected = new Set<number>();
    for (const [name, value] of Object.entries(traits)) {
      if (value === null) state.traits.delete(name);
      else state.traits.set(name, value);
      for (const r of this.rulesByTrait.get(name) ?? []) affected.add(r);
    }
    this.evaluate(
      key,
      state,
      [...affected].sort((a, b) => a - b),
      this.clockMs!,
      changes,
    );
    return changes;
  }

  snapshot(): RuleEngineSnapshot {
    return {
      v: 2,
      definitions: this.rules.map((rule) => rule.source),
      clockMs: this.clockMs,
      customers: [...this.customers].map(([key, state]) => ({
        key,
        windows: this.performed.map((_, i) => state.windows[i]?.toJSON() ?? null),
        traits: [...state.traits],
        members: this.rules.filter((_, r) => state.members[r] === 1).map((rule) => rule.id),
      })),
    };
  }

  static restore(snapshot: RuleEngineSnapshot): RuleEngine {
    if ((snapshot?.v !== 1 && snapshot?.v !== 2) || !Array.isArray(snapshot.customers)) {
      throw new SegmentStateError('rule engine snapshot is not version 1 or 2');
    }
    const engine = new RuleEngine(snapshot.definitions);
    engine.clockMs = snapshot.clockMs;
    for (const saved of snapshot.customers) {
      const state: CustomerRuleState = {
        windows: saved.windows.map((json, i) =>
          json === null ? undefined : restoreWindow(json, engine.performed[i]!),
        ),
        traits: new Map(saved.traits),
        members: Uint8Array.from(engine.rules, (rule) => (saved.members.includes(rule.id) ? 1 : 0)),
      };
      engine.customers.set(saved.key, state);
      engine.schedule(saved.key, state);
    }
    return engine;
  }

  private evaluate(
    key: string,
    state: CustomerRuleState,
    rules: readonly number[],
    now: number,
    changes: SegmentChange[],
  ): void {
    this.evict(state, now);
    for (const r of rules) {
      const member = this.compiled[r]!(state) ? 1 : 0;
      if (member === state.members[r]) continue;
      state.members[r] = member;
      changes.push({
        userKey: key,
        segment: `rule:${this.rules[r]!.id}`,
        change: member === 1 ? 'entered' : 'exited',
        atMs: now,
        version: this.versions[r]!,
      });
    }
    this.schedule(key, state);
    if (isIdle(state)) this.customers.delete(key); // re-created empty, it evaluates the same
  }

  private evict(state: CustomerRuleState, now: number): void {
    state.windows.forEach((window, i) => {
      const within = this.performed[i]!.withinMs;
      if (window !== undefined && within !== null) window.evict(now - within);
    });
  }

  private schedule(key: string, state: CustomerRuleState): void {
    let next: number | null = null;
    state.windows.forEach((window, i) => {
      const within = this.performed[i]!.withinMs;
      const oldest = window?.oldest();
      if (within === null || oldest === undefined) return;
      if (next === null || oldest + within < next) next = oldest + within;
    });
    if (next === null) this.expiries.delete(key);
    else this.expiries.set(next, key);
  }

  private compile(condition: Condition, rule: number): (state: CustomerRuleState) => boolean {
    switch (condition.type) {
      case 'all': {
        const parts = condition.of.map((c) => this.compile(c, rule));
        return (state) => parts.every((part) => part(state));
      }
      case 'any': {
        const parts = condition.of.map((c) => this.compile(c, rule));
        return (state) => parts.some((part) => part(state));
      }
      case 'not': {
        const inner = this.compile(condition.of, rule);
        return (state) => !inner(state);
      }
      case 'performed': {
        const i = this.performed.length;
        this.performed.push(condition);
        this.rulesOfPerformed.push([rule]);
        const list = this.performedByEvent.get(condition.event) ?? [];
        list.push(i);
        this.performedByEvent.set(condition.event, list);
        const { op, value } = condition;
        const summed = condition.sum !== null;
        return (state) => {
          const window = state.windows[i];
          const measured = window === undefined ? 0 : summed ? window.roundedSum() : window.count;
          return compare(measured, op, value);
        };
      }
      case 'trait': {
        const list = this.rulesByTrait.get(condition.trait) ?? [];
        if (!list.includes(rule)) list.push(rule);
        this.rulesByTrait.set(condition.trait, list);
        return (state) => traitHolds(condition, state.traits.get(condition.trait));
      }
    }
  }
}

function matchesWhere(leaf: PerformedLeaf, activity: CustomerActivity): boolean {
  if (leaf.where === null) return true;
  for (const [name, expected] of Object.entries(leaf.where)) {
    if (activity.properties[name] !== expected) return false;
  }
  return true;
}

/** A missing or non-numeric summed property counts as 0: the event happened, it carried no amount. */
function numeric(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function compare(measured: number, op: ComparisonOp, value: number): boolean {
  switch (op) {
    case 'gt':
      return measured > value;
    case 'gte':
      return measured >= value;
    case 'lt':
      return measured < value;
    case 'lte':
      return measured <= value;
    case 'eq':
      return measured === value;
  }
}

function traitHolds(leaf: TraitLeaf, actual: TraitValue | undefined): boolean {
  if (actual === undefined) return false;
  if (leaf.op === 'eq') return actual === leaf.value;
  return typeof actual === 'number' && typeof leaf.value === 'number' && compare(actual, leaf.op, leaf.value);
}

function isIdle(state: CustomerRuleState): boolean {
  return (
    state.traits.size === 0 &&
    state.members.every((m) => m === 0) &&
    state.windows.every((w) => w === undefined || (w.count === 0 && w.sum === 0))
  );
}

/** Events a windowed count needs to keep (see EventWindow); null for sums, which are bucketed instead. */
function windowCap(leaf: PerformedLeaf): number | null {
  if (leaf.withinMs === null || leaf.sum !== null) return null;
  return Math.max(1, Math.floor(leaf.value) + 1);
}

/** The bucket width of a windowed sum (see bucketWidthMs); null for counts and all-time tallies. */
function windowBuckets(leaf: PerformedLeaf): number | null {
  if (leaf.withinMs === null || leaf.sum === null) return null;
  return bucketWidthMs(leaf.withinMs);
}

/** The time an event at `timeMs` is kept at: its bucket's start for a bucketed sum. */
function entryTime(leaf: PerformedLeaf, timeMs: number): number {
  const buckets = windowBuckets(leaf);
  return buckets === null ? timeMs : bucketStart(timeMs, buckets);
}

function newWindow(leaf: PerformedLeaf): EventWindow {
  return new EventWindow(leaf.withinMs !== null, windowCap(leaf), windowBuckets(leaf));
}

function restoreWindow(json: EventWindowJson, leaf: PerformedLeaf): EventWindow {
  return EventWindow.from(json, leaf.withinMs !== null, windowCap(leaf), windowBuckets(leaf));
}
