import { Agent as HttpAgent, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { literalHostProblem, publicOnlyLookup } from './public-lookup.js';

export interface HttpPoster {
  /** POSTs `body`; resolves with the status (redirects are not followed), rejects on network errors and timeouts. */
  post(url: string, body: string, headers: OutgoingHttpHeaders, timeoutMs: number): Promise<number>;
  close(): void;
}

/**
 * POSTs over node:http(s) with kept-alive connections. Unless private
 * addresses are allowed, literal IPs are checked before connecting and host
 * names are resolved by publicOnlyLookup, so every new connection goes to a
 * public address that was checked; a redirect is an answer, never followed
 * (it could point inside the network).
 */
export function httpPoster(opts: { allowPrivate: boolean }): HttpPoster {
  const lookup = opts.allowPrivate ? {} : { lookup: publicOnlyLookup };
  const agents = {
    http: new HttpAgent({ keepAlive: true, ...lookup }),
    https: new HttpsAgent({ keepAlive: true, ...lookup }),
  };
  return {
    post(url, body, headers, timeoutMs) {
      const literal = opts.allowPrivate ? undefined : literalHostProblem(url);
      if (literal) return Promise.reject(literal);
      const target = new URL(url);
      const https = target.protocol === 'https:';
      const send = https ? httpsRequest : httpRequest;
      return new Promise<number>((resolve, reject) => {
        const req = send(
          target,
          {
            method: 'POST',
            agent: https ? agents.https : agents.http,
            headers: { ...headers, 'content-length': Buffer.byteLength(body) },
            signal: AbortSignal.timeout(timeoutMs),
            ...lookup,
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
            res.on('error', reject);
            // A connection cut mid-answer (or the timeout) ends without 'end': never leave the caller waiting.
            res.on('close', () => {
              if (!res.complete) reject(new Error('the connection closed before the answer was complete'));
            });
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    },
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
