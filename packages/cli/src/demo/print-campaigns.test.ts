import { describe, expect, it } from 'vitest';
import { campaignLines } from './print-campaigns.js';
import type { DemoSummary } from './retail-demo.js';

const base: DemoSummary = {
  sent: 0,
  accepted: 0,
  rejected: 0,
  stored: 0,
  dead_letters: 0,
  rejected_reasons: {},
  seconds: 0,
};

function summary(received: number): DemoSummary {
  return {
    ...base,
    campaigns: {
      'win-back': {
        trigger: 'inactivity 12 s',
        decided: 10,
        fired: 6,
        held_out: 1,
        suppressed: 0,
        capped: 1,
        failed: 0,
        other: { converted: 2 },
      },
    },
    webhooks: {
      requests: received + 1,
      signature_verified: received,
      rejected: 1,
      duplicates: 0,
      actions_by_campaign: { 'win-back': received },
      forged_request_status: 401,
      example: { campaign: 'win-back', payload: { person: '12347' } },
    },
  };
}

describe('campaign lines of the demo summary', () => {
  it('show each campaign with its outcomes, the receiver figures and the example payload', () => {
    const text = campaignLines(summary(6)).join('\n');
    expect(text).toMatch(/win-back\s+inactivity 12 s\s+10\s+6\s+1\s+0\s+1\s+0\s+converted 2/);
    expect(text).toContain('7 requests, 6 signature verified, 1 rejected');
    expect(text).toContain('actions received = actions fired: 6 = 6 OK');
    expect(text).toContain('"person": "12347"');
  });

  it('flag a receiver that got other than what the campaigns fired', () => {
    expect(campaignLines(summary(5)).join('\n')).toContain('5 = 6 MISMATCH');
  });
});
