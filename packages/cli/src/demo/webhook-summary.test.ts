import { SIGNATURE_HEADER, signPayload, startWebhookReceiver } from '@pulse/trigger';
import { describe, expect, it } from 'vitest';
import { sendForgedRequest, webhookSummary } from './webhook-summary.js';

const SECRET = 'a-test-secret-of-some-length';

async function post(url: string, id: string, payload: unknown): Promise<number> {
  const body = JSON.stringify(payload);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'pulse-id': id,
      [SIGNATURE_HEADER]: signPayload(SECRET, body, Math.floor(Date.now() / 1000)),
    },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

describe('webhook summary', () => {
  it('counts verified, duplicate and forged requests and shows a Champion payload with picks', async () => {
    const receiver = await startWebhookReceiver({ secret: SECRET });
    try {
      expect(await post(receiver.url, 'a', { campaign: 'big-orders', person: 'p1' })).toBe(200);
      expect(await post(receiver.url, 'b', { campaign: 'new-champion', message: { picks: [] } })).toBe(200);
      const withPicks = { campaign: 'new-champion', message: { picks: [{ item: '22423', score: 0.5 }] } };
      expect(await post(receiver.url, 'c', withPicks)).toBe(200);
      expect(await post(receiver.url, 'c', withPicks)).toBe(200);
      const forged = await sendForgedRequest(receiver);
      expect(forged).toBe(401);

      const s = webhookSummary(receiver, forged);
      expect(s).toMatchObject({
        requests: 5,
        signature_verified: 4,
        rejected: 1,
        duplicates: 1,
        actions_by_campaign: { 'big-orders': 1, 'new-champion': 2 },
        forged_request_status: 401,
        example: { campaign: 'new-champion', payload: withPicks },
      });
    } finally {
      await receiver.close();
    }
  });
});
