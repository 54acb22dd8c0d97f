import { PulseError } from '@pulse/common';

/** A campaign definition that does not validate; the message names every bad field. */
export class CampaignInvalidError extends PulseError {
  readonly problems: Array<{ field: string; reason: string }>;

  constructor(source: string, problems: Array<{ field: string; reason: string }>) {
    super(
      'PULSE_CAMPAIGN_INVALID',
      `campaign ${source} is invalid:\n${problems.map((p) => `  ${p.field}: ${p.reason}`).join('\n')}`,
    );
    this.problems = problems;
  }
}

/** A campaign needs something this installation does not provide (e.g. segment membership). */
export class CampaignUnsupportedError extends PulseError {
  constructor(campaign: string, what: string) {
    super('PULSE_CAMPAIGN_UNSUPPORTED', `campaign ${campaign}: ${what}`);
  }
}
