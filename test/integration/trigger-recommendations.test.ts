import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { campaign, decisionRows, eventually, settled, stored, triggerTestSetup } from './trigger-harness.js';

const { harness } = triggerTestSetup();

const API_KEY = 'modeling-test-key';

interface RecsRequest {
  userId: string;
  k: string | null;
  authorization: string | undefined;
}

/**
 * Stands for the modeling service's API: GET /v1/recommendations/users/:userId?k=N answers
 * {userId, items: [{item, score}], source}; 404 for "stranger"; "slow" waits 2 s; "broken" gets 500.
 */
async function recommendationsApi(): Promise<{ url: string; requests: RecsRequest[]; server: Server }> {
  const requests: RecsRequest[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const m = /^\/v1\/recommendations\/users\/([^/]+)$/.exec(url.pathname);
    const userId = decodeURIComponent(m?.[1] ?? '');
    requests.push({ userId, k: url.searchParams.get('k'), authorization: req.headers.authorization });
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (!m) return json(404, { error: 'not_found' });
    if (req.headers.authorization !== `Bearer ${API_KEY}`) return json(401, { error: 'unauthorized' });
    if (userId === 'stranger') return json(404, { error: 'unknown_user' });
    if (userId === 'broken') return json(500, { error: 'boom' });
    const k = Number(url.searchParams.get('k'));
    const items = Array.from({ length: k }, (_, i) => ({
      item: `${userId}-sku-${i + 1}`,
      score: 1 - i / 10,
    }));
    const answer = () => json(200, { userId, items, source: 'model' });
    if (userId === 'slow') setTimeout(answer, 2000);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, requests, server };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const order = (userId: string) =>
  stored({
    type: 'track',
    event: 'Order Completed',
    userId,
    messageId: `${userId}-order-1`,
    timestamp: new Date().toISOString(),
    properties: { order_id: `${userId}-1` },
  });

describe('recommendations in templates', () => {
  it('fills {{recommendations}} from the modeling API when the message is delivered, and sends without them when the API cannot answer', async () => {
    const h = harness();
    const api = await recommendationsApi();
    servers.push(api.server);
    const receiver = await h.receiver();
    const trigger = await h.start(
      [
        campaign({
          id: 'recs-mail',
          trigger: { kind: 'event', event: 'Order Completed' },
          channel: { type: 'webhook', url: receiver.url },
          variants: [
            {
              name: 'a',
              template: {
                text: 'Hi {{person}}, try {{recommendations.0.item}}',
                items: '{{recommendations}}',
              },
            },
          ],
        }),
        campaign({
          id: 'plain',
          trigger: { kind: 'event', event: 'Order Completed' },
          channel: { type: 'log' },
          variants: [{ name: 'a', template: { text: 'no recommendations here' } }],
        }),
      ],
      { recommendations: { url: api.url, apiKey: API_KEY, timeoutMs: 300, count: 3 } },
    );
    await h.produce([order('ann'), order('stranger'), order('slow'), order('broken')]);
    await eventually('four webhooks', () => (receiver.received.length >= 4 ? true : undefined));
    await settled(h, trigger);

    const message = (person: string) =>
      receiver.received.find((r) => r.payload['person'] === person)?.payload['message'];
    expect(message('ann')).toEqual({
      text: 'Hi ann, try ann-sku-1',
      items: [
        { item: 'ann-sku-1', score: 1 },
        { item: 'ann-sku-2', score: 0.9 },
        { item: 'ann-sku-3', score: 0.8 },
      ],
    });
    for (const person of ['stranger', 'slow', 'broken']) {
      expect(message(person), person).toEqual({ text: `Hi ${person}, try `, items: [] });
    }
    // Only the campaign that uses them asks, with the configured k and key.
    expect(api.requests.map((r) => r.userId).sort()).toEqual(['ann', 'broken', 'slow', 'stranger']);
    expect(new Set(api.requests.map((r) => `${r.k} ${r.authorization}`))).toEqual(
      new Set([`3 Bearer ${API_KEY}`]),
    );
    const metrics = await trigger.registry.metrics();
    expect(metrics).toMatch(/pulse_trigger_recommendations_total\{outcome="ok"[^}]*\} 1/);
    expect(metrics).toMatch(/pulse_trigger_recommendations_total\{outcome="unknown_user"[^}]*\} 1/);
    expect(metrics).toMatch(/pulse_trigger_recommendations_total\{outcome="failed"[^}]*\} 2/);
    const rows = await decisionRows(h, trigger);
    expect(rows.filter((r) => r.outcome === 'sent')).toHaveLength(8);
  });
});
