import { errorMessage } from '@pulse/common';
import type { DeliveryJob } from '../execution/jobs.js';
import { type Channel, DeliveryError } from './channel.js';
import { ID_HEADER, SIGNATURE_HEADER, signPayload } from './signature.js';

export interface WebhookOptions {
  url: string;
  secret: string;
  timeoutMs: number;
  now?: () => number;
}

/**
 * POSTs the payload as JSON, signed over `timestamp.body`. 2xx is delivered;
 * 408, 429 and 5xx, timeouts and network errors are retried; other 4xx are
 * permanent (the endpoint refuses this payload, retrying cannot help).
 */
export function webhookChannel(opts: WebhookOptions): Channel {
  const now = opts.now ?? Date.now;
  return {
    name: 'webhook',
    async deliver(job: DeliveryJob, jobId: string) {
      const body = JSON.stringify(job.payload);
      let res: Response;
      try {
        res = await fetch(opts.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [SIGNATURE_HEADER]: signPayload(opts.secret, body, Math.floor(now() / 1000)),
            [ID_HEADER]: jobId,
          },
          body,
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
        await res.arrayBuffer();
      } catch (err) {
        throw new DeliveryError(`webhook ${opts.url} unreachable: ${errorMessage(err)}`, true, err);
      }
      if (res.ok) return;
      const retriable = res.status === 408 || res.status === 429 || res.status >= 500;
      throw new DeliveryError(`webhook ${opts.url} answered ${res.status}`, retriable);
    },
  };
}
