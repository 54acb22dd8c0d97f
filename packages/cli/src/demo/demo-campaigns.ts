import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type Campaign, parseCampaign } from '@pulse/trigger';

/** Signs the demo's webhooks when TRIGGER_WEBHOOK_SECRET is not set; the demo's receiver checks it. */
export const DEMO_WEBHOOK_SECRET = 'pulse-demo-webhook-secret';

/**
 * Win-back wait, in wall-clock seconds. The trigger measures waits on the wall clock from the
 * collector's receive time (so a live stream behaves as people expect), while "ordered again?" is
 * answered from the orders it has read when the occasion is decided. The replay squeezes Online
 * Retail's 374 days into 50-90 s (the four services share two cores, so it runs at 4-7 shop days
 * per second, slower than the nominal --speed): 12 s stand for roughly 50-90 days of shop time,
 * more when the trigger's queue runs behind the replay. The campaign fires for customers whose next
 * order came later than that, or never (their last order in the data, once the wait is over, as a
 * live system would).
 */
export const WIN_BACK_WALL_SECONDS = 12;

/**
 * Abandoned-cart wait, from the cart add's arrival. The OTTO sample (four weeks) replays in a second
 * or two at the demo's speed, so every order of the sample is in before any cart is decided: carts
 * followed by an order are `converted`, the others fire (as in trigger-abandoned-cart.test.ts).
 */
export const CART_WAIT_SECONDS = 8;

/** The demo's lanes are on this machine: well above the 50/s default so a year of actions is not queued for minutes. */
const RATE_LIMIT = { max: 2000, perSeconds: 1 };

/** Campaigns of every trigger kind, each to its own path of the demo's webhook receiver. */
export function demoCampaigns(receiverBase: string): Campaign[] {
  const webhook = (id: string) => ({ type: 'webhook', url: `${receiverBase}/${id}`, rateLimit: RATE_LIMIT });
  const raw = [
    {
      id: 'big-orders',
      name: 'Thank-you for orders over 100',
      trigger: {
        kind: 'event',
        event: 'Order Completed',
        where: [{ field: 'properties.revenue', op: 'gt', value: 100 }],
      },
      holdoutPercent: 10,
      frequencyCap: { max: 2, windowHours: 168 },
      variants: [
        {
          name: 'thanks',
          template: {
            text: 'Thank you for your order {{event.properties.order_id}} of £{{event.properties.revenue}}',
          },
        },
      ],
    },
    {
      id: 'third-order',
      name: 'Loyalty card on the third order',
      trigger: { kind: 'event', event: 'Order Completed', nth: 3 },
      holdoutPercent: 10,
      variants: [
        {
          name: 'card',
          template: { text: 'Your third order ({{event.properties.order_id}}): here is your loyalty card' },
        },
      ],
    },
    {
      id: 'new-champion',
      name: 'Welcome to the Champions, with picks from the recommendations API',
      trigger: { kind: 'segment_entry', segment: 'rfm:champions' },
      holdoutPercent: 10,
      frequencyCap: { max: 1, windowHours: 720 },
      variants: [
        {
          name: 'picks',
          template: {
            subject: 'You are one of our Champions',
            customer: '{{person}}',
            country: '{{traits.country}}',
            segment: '{{event.properties.segment}}',
            since: '{{event.timestamp}}',
            picks: '{{recommendations}}',
          },
        },
        {
          name: 'perk',
          template: {
            subject: 'Free delivery for our Champions, from {{traits.country}} too',
            customer: '{{person}}',
            segment: '{{event.properties.segment}}',
            first_pick: '{{recommendations.0.item}}',
          },
        },
      ],
    },
    {
      id: 'champion-lapsed',
      name: 'Tell the account team when a Champion slips out',
      trigger: { kind: 'segment_exit', segment: 'rfm:champions' },
      holdoutPercent: 10,
      frequencyCap: { max: 1, windowHours: 720 },
      variants: [
        {
          name: 'alert',
          template: { text: 'Customer {{person}} ({{traits.country}}) left {{event.properties.segment}}' },
        },
      ],
    },
    {
      id: 'win-back',
      name: `Win-back when no order followed the last one (${WIN_BACK_WALL_SECONDS} s of replay, roughly two months of shop time)`,
      trigger: { kind: 'inactivity', days: WIN_BACK_WALL_SECONDS / 86_400 },
      // Known customers only: guest checkouts have no identify, so no traits and no way to reach them.
      audience: { traits: [{ field: 'traits.country', op: 'exists' }] },
      holdoutPercent: 10,
      frequencyCap: { max: 1, windowHours: 720 },
      variants: [
        {
          name: 'offer',
          template: {
            subject: 'We miss you: 10% off your next order',
            customer: '{{person}}',
            last_order: '{{event.properties.order_id}}',
            last_order_at: '{{event.timestamp}}',
          },
        },
      ],
    },
    {
      id: 'abandoned-cart',
      name: `Reminder ${CART_WAIT_SECONDS} s after a cart without an order (OTTO sample)`,
      trigger: { kind: 'abandoned_cart', waitSeconds: CART_WAIT_SECONDS },
      holdoutPercent: 10,
      variants: [
        {
          name: 'plain',
          template: {
            subject: 'You left something in your cart',
            product: '{{event.properties.product_id}}',
          },
        },
        {
          name: 'urgent',
          template: { subject: 'Your cart is about to expire', product: '{{event.properties.product_id}}' },
        },
      ],
    },
  ];
  return raw.map((c) => parseCampaign({ ...c, channel: webhook(c.id) }, `demo campaign ${c.id}`));
}

/** One JSON file per campaign, through the trigger's own loader: the folder shows what the demo ran. */
export function writeCampaignDir(dir: string, campaigns: readonly Campaign[]): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const c of campaigns) writeFileSync(join(dir, `${c.id}.json`), `${JSON.stringify(c, null, 2)}\n`);
}

/**
 * The trigger settings of the campaign demo. The modeling API gets a fixed free port so the
 * trigger's recommendations client can be pointed at it before either starts. Caps, like waits, run
 * on the wall clock: with a year of orders in a minute, a cap of 3 actions per person per day across
 * campaigns would mean 3 a year, so it is off here (each campaign keeps its own frequency cap).
 */
export async function campaignEnv(
  env: Record<string, string | undefined>,
  campaignsDir: string,
): Promise<Record<string, string>> {
  const configured = env['MODELING_API_PORT'];
  const port = configured && configured !== '0' ? Number(configured) : await freePort();
  const key = env['MODELING_API_KEY'];
  return {
    TRIGGER_CAMPAIGNS_DIR: campaignsDir,
    TRIGGER_WEBHOOK_SECRET: DEMO_WEBHOOK_SECRET,
    MODELING_API_PORT: String(port),
    TRIGGER_RECS_URL: `http://127.0.0.1:${port}`,
    ...(key ? { TRIGGER_RECS_API_KEY: key } : {}),
    // The API shares one event loop with the whole pipeline during the replay.
    TRIGGER_RECS_TIMEOUT_MS: '2000',
    TRIGGER_DAILY_CAP: '0',
    // The trigger decides and delivers about 70k jobs over the replay, in a process it shares with
    // everything else: more jobs in flight per worker overlap their Redis round trips.
    TRIGGER_CONCURRENCY: '64',
    // A BullMQ worker claims up to `concurrency` jobs one round trip at a time before it starts the
    // first, and renews the locks of started jobs only. In this one busy event loop a round trip took
    // about 0.6 s, so the 64th claim came 37 s after the first, whose 30 s lock had lapsed: "Missing
    // lock" errors and jobs run twice. Two minutes covers that with room to spare.
    TRIGGER_LOCK_MS: '120000',
    // The receiver answers from the same event loop: at 5 s, 81 webhooks timed out while arriving all
    // the same, and their retries reached the receiver as duplicates (dropped by Pulse-Id).
    TRIGGER_WEBHOOK_TIMEOUT_MS: '20000',
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
