import type { SegmentChangeRecord } from '@pulse/events';
import { consumerLag } from '@pulse/kafka';
import type { Trigger } from '@pulse/trigger';
import { describe, expect, it } from 'vitest';
import {
  campaign,
  decisionRows,
  eventually,
  settled,
  stored,
  type TriggerHarness,
  triggerTestSetup,
} from './trigger-harness.js';

const { harness } = triggerTestSetup();

let seq = 0;
const change = (
  userKey: string,
  segment: string,
  kind: 'entered' | 'exited',
  at = new Date(),
): SegmentChangeRecord => ({
  v: 1,
  seq: ++seq,
  userKey,
  segment,
  change: kind,
  at: at.toISOString(),
  version: 'rfm-v1',
});

const order = (userId: string, n: number) =>
  stored({
    type: 'track',
    event: 'Order Completed',
    userId,
    messageId: `${userId}-order-${n}`,
    timestamp: new Date().toISOString(),
    properties: { order_id: `${userId}-${n}` },
  });

/** Waits until the segment group committed every change and no occasion or delivery job is pending. */
async function segmentsSettled(h: TriggerHarness, trigger: Trigger, groupId: string): Promise<void> {
  // The topic is written in transactions: each ends with a commit marker, an offset no message has.
  // kafkajs commits past a marker only once a later fetch returns it alone, so a partition whose last
  // record is a marker may stay one behind the high watermark with every change handled.
  await eventually(
    'the segment-changes group to commit every change',
    async () => {
      const lag = await consumerLag(h.kafka, groupId, h.segmentTopic);
      return lag.every((p) => p.lag <= 1) ? true : undefined;
      // A restarted consumer whose predecessor's session has not expired yet waits for it (30 s).
    },
    75_000,
  );
  await settled(h, trigger);
}

async function counter(trigger: Trigger, name: string, outcome: string): Promise<number> {
  const metric = await trigger.registry.getSingleMetric(name)?.get();
  return metric?.values.find((v) => v.labels['outcome'] === outcome)?.value ?? 0;
}

describe('segment entry and exit triggers from the segment-changes topic', () => {
  it('acts once per entry and exit, ignores aborted and invalid changes, and filters audiences by segment', async () => {
    const h = harness();
    const receiver = await h.receiver();
    const channel = { type: 'webhook', url: receiver.url };
    const campaigns = [
      campaign({
        id: 'welcome-champions',
        trigger: { kind: 'segment_entry', segment: 'rfm:champions' },
        frequencyCap: { max: 10, windowHours: 24 },
        channel,
        variants: [
          {
            name: 'a',
            template: {
              text: 'Welcome {{person}} to {{event.properties.segment}}',
              seq: '{{event.properties.seq}}',
            },
          },
        ],
      }),
      campaign({
        id: 'left-at-risk',
        trigger: { kind: 'segment_exit', segment: 'rfm:at-risk' },
        channel,
        variants: [{ name: 'a', template: { text: 'Good to have you back' } }],
      }),
      campaign({
        id: 'champion-orders',
        trigger: { kind: 'event', event: 'Order Completed' },
        audience: { segments: ['rfm:champions'] },
        channel,
        variants: [{ name: 'a', template: { text: 'Thanks, champion' } }],
      }),
    ];
    const groupId = `${h.prefix}-segments`;
    let trigger = await h.start(campaigns, { segments: { groupId, fromBeginning: true } });

    const annIn = change('ann', 'rfm:champions', 'entered');
    const bobIn = change('bob', 'rfm:champions', 'entered');
    const catIn = change('cat', 'rfm:at-risk', 'entered');
    const catOut = change('cat', 'rfm:at-risk', 'exited');
    await h.produceChanges([annIn, bobIn, catIn]);
    await h.produceChanges([change('dan', 'rfm:champions', 'entered')], { abort: true });
    await h.produceChanges(['{"v":1,"seq":"x"}', 'not json']);
    await h.produceChanges([catOut]);

    await eventually('three webhooks', () => (receiver.received.length >= 3 ? true : undefined));
    await segmentsSettled(h, trigger, groupId);
    const got = receiver.received.map((r) => `${r.payload['campaign']}/${r.payload['person']}`).sort();
    expect(got).toEqual(['left-at-risk/cat', 'welcome-champions/ann', 'welcome-champions/bob']);
    const ann = receiver.received.find((r) => r.payload['person'] === 'ann');
    expect(ann?.payload['message']).toEqual({ text: 'Welcome ann to rfm:champions', seq: annIn.seq });
    expect(ann?.payload['event']).toMatchObject({
      message_id: `segment-change-${annIn.seq}`,
      event: 'Segment Entered',
    });
    expect(ann?.id).toBe(`welcome-champions.ann.entered-${annIn.seq}`);
    expect(await counter(trigger, 'pulse_trigger_segment_changes_total', 'invalid')).toBe(2);

    // Membership is kept in Redis from the same stream: the aborted entry of dan never counted.
    expect(await trigger.segments.segmentsOf('ann')).toEqual(['rfm:champions']);
    expect(await trigger.segments.segmentsOf('cat')).toEqual([]);
    expect(await trigger.segments.segmentsOf('dan')).toEqual([]);

    // The audience filter reads that membership: only ann's order is for champions.
    await h.produce([order('ann', 1), order('eve', 1)]);
    await eventually('the champion order webhook', () =>
      receiver.received.some((r) => r.payload['campaign'] === 'champion-orders') ? true : undefined,
    );
    await settled(h, trigger);
    const rows = await eventually('the order decisions', async () => {
      const r = (await decisionRows(h, trigger)).filter((d) => d.campaign_id === 'champion-orders');
      return r.length >= 2 ? r : undefined;
    });
    expect(rows.map((r) => [r.person, r.outcome, r.reason])).toEqual([
      ['ann', 'sent', ''],
      ['eve', 'not_in_audience', 'not in segment rfm:champions'],
    ]);
    expect(receiver.received).toHaveLength(4);

    // Redelivery: the same changes produced again, then the whole topic read again from the start.
    await h.produceChanges([annIn, bobIn]);
    await segmentsSettled(h, trigger, groupId);
    await trigger.close();
    const admin = h.kafka.admin();
    await admin.connect();
    await admin.resetOffsets({ groupId, topic: h.segmentTopic, earliest: true });
    await admin.disconnect();
    trigger = await h.start(campaigns, { segments: { groupId, fromBeginning: true } });
    await eventually('the changes read again', async () =>
      (await counter(trigger, 'pulse_trigger_segment_changes_total', 'matched')) >= 4 ? true : undefined,
    );
    await segmentsSettled(h, trigger, groupId);
    await new Promise((r) => setTimeout(r, 500));
    // cat's entry arrives after cat's exit was applied: superseded, it opens nothing.
    expect(await counter(trigger, 'pulse_trigger_segment_changes_total', 'superseded')).toBe(1);
    expect(receiver.received).toHaveLength(4);
    expect(receiver.duplicates).toBe(0);
    expect(await trigger.segments.segmentsOf('ann')).toEqual(['rfm:champions']);
    expect(await trigger.segments.segmentsOf('cat')).toEqual([]);

    // A deletion request erases the membership kept of the person too.
    expect((await trigger.api.inject({ method: 'DELETE', url: '/people/ann' })).statusCode).toBe(204);
    expect(await trigger.segments.segmentsOf('ann')).toEqual([]);
    expect(await trigger.segments.isMember('bob', 'rfm:champions')).toBe(true);
  });

  it('does not act on an entry the person left again before the decision, nor on changes published too long ago', async () => {
    const h = harness();
    const receiver = await h.receiver();
    const trigger = await h.start(
      [
        campaign({
          id: 'welcome-loyal',
          trigger: { kind: 'segment_entry', segment: 'rule:loyal' },
          frequencyCap: { max: 10, windowHours: 24 },
          channel: { type: 'webhook', url: receiver.url },
        }),
      ],
      { maxLatenessHours: 1 },
    );
    // Kafka stamps records when produced: lateness is judged from that, so only the flicker is fresh here.
    await h.produceChanges([
      change('flick', 'rule:loyal', 'entered'),
      change('flick', 'rule:loyal', 'exited'),
    ]);
    await h.produceChanges([change('stays', 'rule:loyal', 'entered')]);
    await h.produceChanges([change('old', 'rule:loyal', 'entered')], {
      publishedAt: Date.now() - 2 * 3_600_000,
    });
    await eventually('the webhook for the one who stayed', () =>
      receiver.received.length >= 1 ? true : undefined,
    );
    await segmentsSettled(h, trigger, `${h.prefix}-trigger-segments`);
    const rows = await eventually('two decisions', async () => {
      const r = await decisionRows(h, trigger);
      return r.length >= 2 ? r : undefined;
    });
    expect(rows.map((r) => [r.person, r.outcome, r.reason])).toEqual([
      ['flick', 'not_in_audience', 'left segment rule:loyal before the action'],
      ['stays', 'sent', ''],
    ]);
    expect(receiver.received.map((r) => r.payload['person'])).toEqual(['stays']);
    // The old change opened no occasion, but membership took it.
    expect(await counter(trigger, 'pulse_trigger_segment_changes_total', 'stale')).toBe(1);
    expect(await trigger.segments.segmentsOf('old')).toEqual(['rule:loyal']);
    expect(await trigger.segments.segmentsOf('flick')).toEqual([]);
  });
});
