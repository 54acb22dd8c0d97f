import { errorMessage } from '@pulse/common';
import type { DeliveryJob } from '../execution/jobs.js';
import { type Channel, DeliveryError } from './channel.js';
import type { HttpPoster } from './http-post.js';
import { PrivateAddressError } from './public-lookup.js';
import { ID_HEADER, SIGNATURE_HEADER, signPayload } from './signature.js';

export interface WebhookOptions {
  url: string;
  secret: string;
  timeoutMs: number;
  http: HttpPoster;
  now?: () => number;
}

/**
 * POSTs the payload as JSON, signed over `timestamp.body`. 2xx is delivered;
 * 408, 429 and 5xx, timeouts and network errors are retried; other answers
 * (4xx, redirects) and private addresses are permanent: retrying cannot help.
 */
export function webhookChannel(opts: WebhookOptions): Channel {
  const now = opts.now ?? Date.now;
  return {
    name: 'webhook',
    async deliver(job: DeliveryJob, jobId: string) {
      const body = JSON.stringify(job.payload);
      let status: number;
      try {
        status = await opts.http.post(
          opts.url,
          body,
          {
            'content-type': 'application/json',
            [SIGNATURE_HEADER]: signPayload(opts.secret, body, Math.floor(now() / 1000)),
            [ID_HEADER]: jobId,
          },
          opts.timeoutMs,
        );
      } catch (err) {
        if (err instanceof PrivateAddressError) throw new DeliveryError(err.message, false, err);
        throw new DeliveryError(`webhook ${opts.url} unreachable: ${errorMessage(err)}`, true, err);
      }
      if (status >= 200 && status < 300) return;
      const retriable = status === 408 || status === 429 || status >= 500;
      throw new DeliveryError(`webhook ${opts.url} answered ${status}`, retriable);
    },
  };
}
