import { queryRows } from '@pulse/clickhouse';
import { inHoldout, pickVariant } from '@pulse/trigger';
import { describe, expect, it } from 'vitest';
import { campaign, decisionsOnce, eventually, settled, stored, triggerTestSetup } from './trigger-harness.js';

const { harness } = triggerTestSetup();

const order = (userId: string, n: number, extra: Record<string, unknown> = {}) =>
  stored({
    type: 'track',
    event: 'Order Completed',
    userId,
    messageId: `${userId}-order-${n}`,
    timestamp: new Date(Date.now() - 60_000 + n).toISOString(),
    properties: { order_id: `${userId}-${n}`, revenue: 10 },
    ...extra,
  });

const hhmm = (at: number) => new Date(at).toISOString().slice(11, 16);

describe('trigger rules on real Kafka and Redis', () => {
  it('caps actions per person per campaign and per person per day across campaigns', async () => {
    const h = harness();
    const receiver = await h.receiver();
    const channel = { type: 'webhook', url: receiver.url };
    const trigger = await h.start(
      [
        campaign({
          id: 'capped',
          trigger: { kind: 'event', event: 'Order Completed' },
          frequencyCap: { max: 2, windowHours: 24 },
          channel,
        }),
        campaign({
          id: 'second',
          trigger: {
            kind: 'event',
            event: 'Order Completed',
            where: [{ field: 'properties.revenue', op: 'gte', value: 0 }],
          },
          frequencyCap: { max: 10, windowHours: 24 },
          channel,
        }),
      ],
      { dailyCap: 3 },
    );
    // 4 orders → 8 occasions for one person; 'capped' allows 2, the day allows 3 in all.
    await h.produce([order('cap', 1), order('cap', 2), order('cap', 3), order('cap', 4), order('other', 1)]);
    const rows = await decisionsOnce(h, trigger, 10);
    await settled(h, trigger);
    const mine = rows.filter((r) => r.person === 'cap');
    expect(mine.filter((r) => r.outcome === 'sent')).toHaveLength(3);
    expect(mine.filter((r) => r.outcome === 'capped')).toHaveLength(5);
    expect(mine.filter((r) => r.campaign_id === 'capped' && r.outcome === 'sent').length).toBeLessThanOrEqual(
      2,
    );
    expect(mine.filter((r) => r.reason === 'daily_cap').length).toBeGreaterThanOrEqual(3);
    expect(rows.filter((r) => r.person === 'other' && r.outcome === 'sent')).toHaveLength(2);
    expect(receiver.received.filter((r) => r.payload['person'] === 'cap')).toHaveLength(3);
  });

  it('delays actions in the person’s quiet hours instead of dropping them', async () => {
    const h = harness();
    const receiver = await h.receiver();
    const now = Date.now();
    // Quiet from an hour ago to two hours ahead in UTC; in Kathmandu (UTC+5:45) it is day.
    const quietHours = { start: hhmm(now - 3_600_000), end: hhmm(now + 2 * 3_600_000) };
    const trigger = await h.start([
      campaign({
        id: 'quiet',
        trigger: { kind: 'event', event: 'Order Completed' },
        quietHours,
        channel: { type: 'webhook', url: receiver.url },
      }),
    ]);
    await h.produce([
      order('sleeper', 1, { context: { timezone: 'UTC' } }),
      order('awake', 1, { context: { timezone: 'Asia/Kathmandu' } }),
    ]);
    await eventually('the awake person’s webhook', () => (receiver.received.length >= 1 ? true : undefined));
    await settled(h, trigger);
    expect(receiver.received.map((r) => r.payload['person'])).toEqual(['awake']);
    const [queue] = [...trigger.deliveryQueues.values()];
    const delayed = await queue?.getDelayed();
    expect(delayed?.map((j) => j.data.person)).toEqual(['sleeper']);
    const job = delayed?.[0];
    const due = (job?.timestamp ?? 0) + (job?.delay ?? 0);
    // Due when quiet hours end (the minute boundary of `end`), not dropped and not now.
    expect(due).toBeGreaterThan(now + 2 * 3_600_000 - 120_000);
    expect(due).toBeLessThanOrEqual(now + 2 * 3_600_000 + 60_000);

    // Sent when promoted, its row keeps the time it was decided: attribution windows of the treated
    // group start where the holdout's do, not when quiet hours ended.
    const decidedAt = Date.parse(job?.data.decidedAt ?? '');
    expect(decidedAt).toBeGreaterThanOrEqual(now);
    expect(decidedAt).toBeLessThan(due - 3_600_000);
    await job?.promote();
    await eventually('the sleeper’s webhook', () => (receiver.received.length >= 2 ? true : undefined));
    const sent = await eventually('the sleeper’s sent row', async () => {
      await trigger.decisions.flush();
      const rows = await queryRows<{ decided_at: string }>(
        h.clickhouse,
        `SELECT toUnixTimestamp64Milli(decided_at) AS decided_at FROM ${h.database}.trigger_decisions FINAL
         WHERE person = 'sleeper' AND outcome = 'sent'`,
      );
      return rows[0];
    });
    expect(Number(sent.decided_at)).toBe(decidedAt);
  });

  it('keeps a stable holdout out of the campaign (recorded, not sent) and splits variants by the same hash', async () => {
    const h = harness();
    const receiver = await h.receiver();
    const variants = [
      { name: 'a', weight: 1, template: { v: 'A' } },
      { name: 'b', weight: 1, template: { v: 'B' } },
    ];
    const trigger = await h.start([
      campaign({
        id: 'split',
        trigger: { kind: 'event', event: 'Order Completed' },
        holdoutPercent: 30,
        variants,
        channel: { type: 'webhook', url: receiver.url },
      }),
    ]);
    const people = Array.from({ length: 40 }, (_, i) => `person-${i}`);
    await h.produce(people.map((p) => order(p, 1)));
    const rows = await decisionsOnce(h, trigger, people.length);
    await settled(h, trigger);

    const expectedHeld = people.filter((p) => inHoldout('split', p, 30)).sort();
    expect(expectedHeld.length).toBeGreaterThan(4);
    expect(expectedHeld.length).toBeLessThan(people.length - 4);
    expect(
      rows
        .filter((r) => r.outcome === 'held_out')
        .map((r) => r.person)
        .sort(),
    ).toEqual(expectedHeld);
    const sent = receiver.received.map((r) => String(r.payload['person'])).sort();
    expect(sent).toEqual(people.filter((p) => !expectedHeld.includes(p)).sort());
    for (const r of receiver.received) {
      const v = pickVariant('split', String(r.payload['person']), variants);
      expect(r.payload['variant']).toBe(v.name);
      expect(r.payload['message']).toEqual(v.template);
    }
    expect(new Set(receiver.received.map((r) => r.payload['variant']))).toEqual(new Set(['a', 'b']));
  });

  it('suppresses people who opted out or were deleted, and records why', async () => {
    const h = harness();
    const receiver = await h.receiver();
    const trigger = await h.start([
      campaign({
        id: 'promo',
        trigger: { kind: 'event', event: 'Order Completed' },
        channel: { type: 'webhook', url: receiver.url },
      }),
    ]);
    expect((await trigger.api.inject({ method: 'DELETE', url: '/people/gone' })).statusCode).toBe(204);
    await h.produce([
      stored({
        type: 'identify',
        userId: 'optout',
        messageId: 'optout-identify',
        traits: { unsubscribed: true },
      }),
      order('optout', 1),
      order('noconsent', 1, { context: { consent: { categoryPreferences: { marketing: false } } } }),
      order('gone', 1),
      order('fine', 1),
    ]);
    const rows = await decisionsOnce(h, trigger, 4);
    await settled(h, trigger);
    expect(rows.map((r) => [r.person, r.outcome, r.reason])).toEqual([
      ['fine', 'sent', ''],
      ['gone', 'suppressed', 'person deleted'],
      ['noconsent', 'suppressed', 'consent marketing=false'],
      ['optout', 'suppressed', 'trait unsubscribed'],
    ]);
    expect(receiver.received.map((r) => r.payload['person'])).toEqual(['fine']);
  });

  it('opens no occasion for events whose action would be more than TRIGGER_MAX_LATENESS_HOURS late (a replay of old data)', async () => {
    const h = harness();
    const receiver = await h.receiver();
    const trigger = await h.start(
      [
        campaign({
          id: 'fresh-only',
          trigger: { kind: 'event', event: 'Order Completed' },
          channel: { type: 'webhook', url: receiver.url },
        }),
      ],
      { maxLatenessHours: 1 },
    );
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    await h.produce([
      stored(
        {
          type: 'track',
          event: 'Order Completed',
          userId: 'old',
          messageId: 'old-1',
          timestamp: twoHoursAgo.toISOString(),
          properties: { order_id: 'old-1' },
        },
        twoHoursAgo,
      ),
      order('new', 1),
    ]);
    await eventually('the fresh webhook', () => (receiver.received.length >= 1 ? true : undefined));
    await settled(h, trigger);
    expect(receiver.received.map((r) => r.payload['person'])).toEqual(['new']);
    expect(await trigger.registry.metrics()).toMatch(
      /pulse_trigger_events_total\{[^}]*outcome="stale"[^}]*\} 1/,
    );
  });
});
