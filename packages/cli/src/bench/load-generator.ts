/**
 * A separate process that posts Segment batches to a collector as fast as
 * the collector answers, with `concurrency` requests in flight, and prints
 * one JSON line of what happened. Run: node --import tsx load-generator.ts
 * <url> <writeKey> <events> <batchSize> <concurrency> <runId> [eventsPerSecond]
 * With a rate, batches are paced to it (a fixed background load) instead.
 */
import { Agent, request } from 'node:http';

const [
  url = '',
  writeKey = '',
  eventsArg = '100000',
  batchArg = '100',
  concurrencyArg = '16',
  runId = 'r',
  rateArg = '0',
] = process.argv.slice(2);
const rate = Number(rateArg);
const total = Number(eventsArg);
const batchSize = Number(batchArg);
const concurrency = Number(concurrencyArg);
const target = new URL('/v1/batch', url);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
const PRODUCTS = [
  '85123A',
  '71053',
  '84406B',
  '84029G',
  '84029E',
  '22752',
  '21730',
  '22633',
  '22632',
  '84879',
];

/**
 * A realistic mix: views, cart adds and orders with products, about 500
 * bytes each. Ten consecutive events belong to one visitor, as a session's
 * events do in an SDK's queue, so a batch of 100 carries 10 visitors.
 */
function event(n: number): string {
  const user = `bench-user-${Math.floor(n / 10) % 5000}`;
  const product = PRODUCTS[n % PRODUCTS.length];
  const ts = new Date(Date.UTC(2026, 10, 1) + n * 37).toISOString();
  const common = `"userId":"${user}","messageId":"${runId}-${n}","timestamp":"${ts}","context":{"library":{"name":"pulse-bench","version":"1"},"page":{"path":"/p/${product}","url":"https://shop.example/p/${product}"},"userAgent":"Mozilla/5.0 (X11; Linux x86_64)"}`;
  switch (n % 10) {
    case 0:
      return `{"type":"track","event":"Order Completed",${common},"properties":{"order_id":"${runId}-o${n}","revenue":${(n % 97) + 3.5},"currency":"GBP","products":[{"product_id":"${product}","price":2.55,"quantity":6},{"product_id":"${PRODUCTS[(n + 3) % PRODUCTS.length]}","price":3.39,"quantity":2}]}}`;
    case 1:
    case 2:
      return `{"type":"track","event":"Product Added",${common},"properties":{"product_id":"${product}","price":2.55,"quantity":1,"cart_id":"c-${user}"}}`;
    case 3:
      return `{"type":"identify",${common},"traits":{"plan":"free","country":"United Kingdom"}}`;
    default:
      return `{"type":"track","event":"Product Viewed",${common},"properties":{"product_id":"${product}","name":"WHITE HANGING HEART T-LIGHT HOLDER","price":2.55,"category":"home"}}`;
  }
}

function post(body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      target,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          authorization: auth,
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

let next = 0;
const statuses: Record<string, number> = {};
let accepted = 0;
const started = performance.now();

async function worker(): Promise<void> {
  while (next < total) {
    const from = next;
    const to = Math.min(total, from + batchSize);
    next = to;
    if (rate > 0) {
      const wait = started + (from / rate) * 1000 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const parts: string[] = [];
    for (let n = from; n < to; n++) parts.push(event(n));
    let status = 0;
    // Retry what was not acknowledged, as an SDK would; 200 means stored.
    for (let attempt = 0; attempt < 50; attempt++) {
      status = await post(`{"batch":[${parts.join(',')}],"sentAt":"${new Date().toISOString()}"}`);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 200 || status === 400) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    if (status === 200) accepted += to - from;
  }
}

await Promise.all(Array.from({ length: concurrency }, () => worker()));
const seconds = (performance.now() - started) / 1000;
agent.destroy();
process.stdout.write(`${JSON.stringify({ sent: total, accepted, seconds, statuses })}\n`);
