import { basicAuth } from './collector.js';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** The body parsed as JSON when it is JSON, else its text. */
  body: unknown;
}

export interface PostOptions {
  headers?: Record<string, string>;
  /** The request fails (rejects) if no answer comes within this time. */
  timeoutMs?: number;
}

/**
 * POSTs to the collector through a real socket, authenticated with the test
 * write key. `body` is sent as is when it is a string or bytes, else as JSON.
 */
export async function postCollector(
  baseUrl: string,
  path: string,
  body: unknown,
  options: PostOptions = {},
): Promise<HttpAnswer> {
  const payload = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: basicAuth(), 'content-type': 'application/json', ...options.headers },
    body: payload,
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  return { status: res.status, headers: res.headers, body: await readAnswer(res) };
}

export async function getCollector(baseUrl: string, path: string, timeoutMs = 10_000): Promise<HttpAnswer> {
  const res = await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, headers: res.headers, body: await readAnswer(res) };
}

async function readAnswer(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
