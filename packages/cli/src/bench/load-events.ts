/**
 * What the load-generating processes send: Segment batches of a realistic
 * event mix, posted over keep-alive connections. Shared by the paced and
 * as-fast-as-answered generator (load-generator.ts) and the open-loop
 * overload client (overload-client.ts).
 */
import { Agent, request } from 'node:http';

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
 * Event n has messageId `<runId>-<n>`.
 */
function event(n: number, runId: string): string {
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

/** The body of a /v1/batch request carrying events from..to-1. */
export function batchBody(from: number, to: number, runId: string): string {
  const parts: string[] = [];
  for (let n = from; n < to; n++) parts.push(event(n, runId));
  return `{"batch":[${parts.join(',')}],"sentAt":"${new Date().toISOString()}"}`;
}

export interface BatchPoster {
  /** Resolves with the HTTP status, or 0 when the request failed or timed out. */
  post(body: string): Promise<number>;
  close(): void;
}

/** Posts batches to `<url>/v1/batch` with the write key, at most `maxSockets` at a time. */
export function batchPoster(
  url: string,
  writeKey: string,
  o: { maxSockets: number; timeoutMs?: number },
): BatchPoster {
  const target = new URL('/v1/batch', url);
  const agent = new Agent({ keepAlive: true, maxSockets: o.maxSockets });
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  return {
    post(body) {
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
            ...(o.timeoutMs === undefined ? {} : { timeout: o.timeoutMs }),
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        // A client that gives up does not know whether the events were stored: not acknowledged.
        req.on('timeout', () => req.destroy(new Error('timed out')));
        req.on('error', () => resolve(0));
        req.end(body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
