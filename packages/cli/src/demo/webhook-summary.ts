import { SIGNATURE_HEADER, signPayload, type WebhookReceiver } from '@pulse/trigger';

export interface WebhookSummary {
  /** Requests that reached the receiver. */
  requests: number;
  /** Requests whose signature checked out (a retry of an action already received included). */
  signature_verified: number;
  /** Requests refused with 401 for a missing, wrong or stale signature. */
  rejected: number;
  /** Verified requests repeating an action already received (same Pulse-Id), dropped. */
  duplicates: number;
  /** Distinct actions received, by campaign. */
  actions_by_campaign: Record<string, number>;
  /** The status the receiver gave the demo's forged request (signed with another secret): 401 expected. */
  forged_request_status: number;
  example: { campaign: string; payload: unknown } | null;
}

/**
 * Sends the receiver one request signed with the wrong secret, as an attacker without the secret
 * would, so the summary shows verification refusing it rather than only accepting good ones.
 */
export async function sendForgedRequest(receiver: WebhookReceiver): Promise<number> {
  const body = JSON.stringify({ campaign: 'forged', person: 'nobody' });
  const res = await fetch(receiver.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: signPayload('not-the-demo-secret', body, Math.floor(Date.now() / 1000)),
    },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

/** What the receiver got; the example is a real received body, a Champion's with picks when there is one. */
export function webhookSummary(receiver: WebhookReceiver, forgedStatus: number): WebhookSummary {
  const byCampaign: Record<string, number> = {};
  for (const r of receiver.received) {
    const campaign = String(r.payload['campaign'] ?? '');
    byCampaign[campaign] = (byCampaign[campaign] ?? 0) + 1;
  }
  const champions = receiver.received.filter((r) => r.payload['campaign'] === 'new-champion');
  const withPicks = champions.find((r) => {
    const picks = (r.payload['message'] as Record<string, unknown> | undefined)?.['picks'];
    return Array.isArray(picks) && picks.length > 0;
  });
  const example = withPicks ?? champions[0] ?? receiver.received[0];
  const verified = receiver.received.length + receiver.duplicates;
  return {
    requests: verified + receiver.rejected,
    signature_verified: verified,
    rejected: receiver.rejected,
    duplicates: receiver.duplicates,
    actions_by_campaign: byCampaign,
    forged_request_status: forgedStatus,
    example: example ? { campaign: String(example.payload['campaign']), payload: example.payload } : null,
  };
}
