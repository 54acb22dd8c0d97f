import { createServer, type IncomingMessage, type Server } from 'node:http';
import { ID_HEADER, SIGNATURE_HEADER, verifySignature } from '../channels/signature.js';

export interface ReceivedAction {
  id: string;
  payload: Record<string, unknown>;
  receivedAt: number;
}

export interface WebhookReceiver {
  url: string;
  port: number;
  /** Verified actions, the first of each id. */
  readonly received: ReceivedAction[];
  /** Requests whose id was already received (a retry after a lost answer). */
  readonly duplicates: number;
  /** Requests refused for a bad or missing signature. */
  readonly rejected: number;
  close(): Promise<void>;
}

export interface ReceiverOptions {
  secret: string;
  port?: number;
  host?: string;
  /** The status to answer a verified request with (default 200), e.g. to simulate an endpoint failing. */
  respond?: (action: ReceivedAction, attempt: number) => number;
  now?: () => number;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * A small webhook endpoint that verifies Pulse's signatures and keeps what
 * it received, deduplicated by Pulse-Id as a real receiver should: for the
 * demo and for tests.
 */
export async function startWebhookReceiver(opts: ReceiverOptions): Promise<WebhookReceiver> {
  const now = opts.now ?? Date.now;
  const received: ReceivedAction[] = [];
  const seen = new Set<string>();
  const attempts = new Map<string, number>();
  let duplicates = 0;
  let rejected = 0;
  const server: Server = createServer((req, res) => {
    readBody(req)
      .then((body) => {
        const header = req.headers[SIGNATURE_HEADER];
        const check = verifySignature(
          opts.secret,
          body,
          Array.isArray(header) ? header[0] : header,
          Math.floor(now() / 1000),
        );
        if (!check.ok) {
          rejected += 1;
          res
            .writeHead(401, { 'content-type': 'application/json' })
            .end(JSON.stringify({ error: check.reason }));
          return;
        }
        const id = String(req.headers[ID_HEADER] ?? '');
        const action: ReceivedAction = {
          id,
          payload: JSON.parse(body) as Record<string, unknown>,
          receivedAt: now(),
        };
        const attempt = (attempts.get(id) ?? 0) + 1;
        attempts.set(id, attempt);
        const status = opts.respond?.(action, attempt) ?? 200;
        if (status >= 200 && status < 300) {
          if (seen.has(id)) duplicates += 1;
          else {
            seen.add(id);
            received.push(action);
          }
        }
        res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      })
      .catch(() => {
        res.writeHead(400).end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  return {
    url: `http://127.0.0.1:${port}/hooks/pulse`,
    port,
    received,
    get duplicates() {
      return duplicates;
    },
    get rejected() {
      return rejected;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
