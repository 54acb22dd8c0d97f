import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface Readiness {
  ready: boolean;
  /** Why the service is not ready, for people and for /readyz. */
  reasons: string[];
}

export type ReadinessCheck = () => Promise<Readiness> | Readiness;

export interface OpsServerOptions {
  port: number;
  host?: string;
  registry: Registry;
  readiness: ReadinessCheck;
}

/**
 * /metrics, /healthz and /readyz for services that have no HTTP API of their
 * own (ingest, modeling workers). The collector serves the same routes on its
 * API server through `opsRoutes`.
 */
export async function startOpsServer(
  options: OpsServerOptions,
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    handleOpsRequest(req.url ?? '/', options)
      .then(({ status, contentType, body }) => {
        res.writeHead(status, { 'content-type': contentType });
        res.end(body);
      })
      .catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface OpsResponse {
  status: number;
  contentType: string;
  body: string;
}

export async function handleOpsRequest(
  url: string,
  options: Pick<OpsServerOptions, 'registry' | 'readiness'>,
): Promise<OpsResponse> {
  const path = url.split('?')[0];
  if (path === '/metrics') {
    return { status: 200, contentType: options.registry.contentType, body: await options.registry.metrics() };
  }
  if (path === '/healthz') return { status: 200, contentType: 'application/json', body: '{"status":"ok"}' };
  if (path === '/readyz') {
    const readiness = await options.readiness();
    return {
      status: readiness.ready ? 200 : 503,
      contentType: 'application/json',
      body: JSON.stringify({ status: readiness.ready ? 'ready' : 'not_ready', reasons: readiness.reasons }),
    };
  }
  return { status: 404, contentType: 'application/json', body: '{"error":"not found"}' };
}
