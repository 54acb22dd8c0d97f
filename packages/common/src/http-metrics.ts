import { Counter, Histogram, type Registry } from 'prom-client';

export interface HttpMetrics {
  /** `route` is the route pattern (/v1/segments/:id), never the raw URL: ids would make a series each. */
  observe(route: string, status: number, seconds: number): void;
}

/** pulse_http_requests_total{route,status} and pulse_http_request_duration_seconds{route}, as every Pulse API names them. */
export function createHttpMetrics(registry: Registry, help = 'Time to answer an HTTP request'): HttpMetrics {
  const requests = new Counter({
    name: 'pulse_http_requests_total',
    help: 'HTTP requests answered, by route and status code',
    labelNames: ['route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'pulse_http_request_duration_seconds',
    help,
    labelNames: ['route'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return {
    observe(route, status, seconds) {
      requests.inc({ route, status: String(status) });
      duration.observe({ route }, seconds);
    },
  };
}
