import { deletes, type RegulationRecord, suppresses } from './regulation.js';

/** Subjects a service holds by default (PULSE_REGULATIONS_MAX_SUBJECTS): some 200 MB at worst. */
export const DEFAULT_MAX_REGULATED_SUBJECTS = 1_000_000;

interface SubjectRule {
  suppressed: boolean;
  /** Events received at or before this time (ms) are covered by a deletion; null: none asked. */
  deletedThroughMs: number | null;
}

/**
 * What the regulations topic says about each subject, folded in log order: whether their events
 * are suppressed, and up to which receive time a deletion covers them. Every service filters its
 * input with `blocks`, so that events still in Kafka (retention, a replay, a record in flight when
 * the regulation arrived) never bring a deleted or suppressed person back.
 *
 * Bounded: at most `maxSubjects` subjects (some 200 bytes each with the id); a record for a new
 * subject beyond that is refused (`apply` returns false) and the owner reports it.
 */
export class RegulationState {
  private readonly subjects = new Map<string, SubjectRule>();

  constructor(readonly maxSubjects: number) {}

  get size(): number {
    return this.subjects.size;
  }

  /** Applies one record, in the order of the topic; false when the subject is new and the list is full. */
  apply(record: RegulationRecord): boolean {
    const id = record.subjectId;
    let rule = this.subjects.get(id);
    if (rule === undefined) {
      if (record.regulationType === 'Unsuppress') return true;
      if (this.subjects.size >= this.maxSubjects) return false;
      rule = { suppressed: false, deletedThroughMs: null };
      this.subjects.set(id, rule);
    }
    if (record.regulationType === 'Unsuppress') {
      rule.suppressed = false;
      if (rule.deletedThroughMs === null) this.subjects.delete(id);
      return true;
    }
    if (suppresses(record.regulationType)) rule.suppressed = true;
    if (deletes(record.regulationType)) {
      const through = Date.parse(record.requestedAt);
      rule.deletedThroughMs = Math.max(rule.deletedThroughMs ?? through, through);
    }
    return true;
  }

  /** Whether future events of `userKey` are dropped. */
  isSuppressed(userKey: string): boolean {
    return this.subjects.get(userKey)?.suppressed === true;
  }

  /**
   * Whether an event of `userKey` received at `receivedAt` (ISO 8601 or ms) must not be used: its
   * subject is suppressed, or a deletion asked after the event arrived covers it. One map lookup
   * for everyone else, so the hot path pays nothing while the list is empty.
   */
  blocks(userKey: string, receivedAt: string | number): boolean {
    if (this.subjects.size === 0) return false;
    const rule = this.subjects.get(userKey);
    if (rule === undefined) return false;
    if (rule.suppressed) return true;
    if (rule.deletedThroughMs === null) return false;
    const t = typeof receivedAt === 'number' ? receivedAt : Date.parse(receivedAt);
    // An unreadable time is treated as covered: keeping a deleted person's event is the worse mistake.
    return !(t > rule.deletedThroughMs);
  }
}
