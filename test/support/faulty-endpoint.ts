import { createServer, type IncomingMessage, type Server } from 'node:http';
import { sleep } from '@pulse/common';

/** What the endpoint does with one request: pass it on, or fail it after `delayMs`. */
export type Fault = 'forward' | { status: number; delayMs: number };

export interface FaultyEndpoint {
  url: string;
  /** Requests answered with a fault. */
  readonly faulted: number;
  close(): Promise<void>;
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
 * A webhook endpoint in front of a real receiver that fails as `fault` decides per request: slow
 * (answering only after the sender gave up) or with an error status, or forwarding the request as it
 * is (headers and body) and answering with the receiver's status.
 */
export async function startFaultyEndpoint(
  target: string,
  fault: (body: string) => Fault,
): Promise<FaultyEndpoint> {
  let faulted = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const decision = fault(body);
      if (decision !== 'forward') {
        faulted += 1;
        await sleep(decision.delayMs);
        if (!res.destroyed) res.writeHead(decision.status).end();
        return;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && name !== 'host' && name !== 'connection') headers[name] = value;
      }
      const answer = await fetch(target, { method: 'POST', headers, body });
      res.writeHead(answer.status).end(await answer.text());
    })().catch(() => {
      if (!res.destroyed) res.writeHead(502).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}/hooks/faulty`,
    get faulted() {
      return faulted;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
