import { PulseError } from '@pulse/common';

export interface RuleProblem {
  /** Where in the definitions, e.g. `segments[1].rule.all[0].within`. */
  path: string;
  reason: string;
}

/** A rule segment definition is not valid; `problems` names every bad field. Fix the definition. */
export class SegmentRuleError extends PulseError {
  readonly problems: readonly RuleProblem[];

  constructor(problems: readonly RuleProblem[]) {
    super(
      'PULSE_SEGMENT_RULE_INVALID',
      `invalid segment rules: ${problems.map((p) => `${p.path}: ${p.reason}`).join('; ')}`,
    );
    this.problems = problems;
  }
}

/** A saved segment state cannot be restored (wrong version or damaged); rebuild it from the events. */
export class SegmentStateError extends PulseError {
  constructor(message: string) {
    super('PULSE_SEGMENT_STATE_INVALID', message);
  }
}

/** A model was asked to do something its input cannot support (too few customers, bad arguments). */
export class SegmentModelError extends PulseError {
  constructor(message: string) {
    super('PULSE_SEGMENT_MODEL_INVALID', message);
  }
}
