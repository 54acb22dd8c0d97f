import type { DeliveryJob } from '../../execution/jobs.js';
import { type Channel, DeliveryError } from '../channel.js';
import { buildMessage } from './message.js';
import { SmtpError, type SmtpTarget, sendMail } from './smtp-client.js';

export interface EmailOptions {
  smtp: SmtpTarget;
  /** Sender of campaigns that name none (TRIGGER_SMTP_FROM). */
  from?: string;
  now?: () => number;
}

/**
 * Sends the filled template's `subject` and `body` as a plain-text email to
 * the address the decision took from the person's `email` trait. A 5xx
 * reply is permanent (the failed set); 4xx, timeouts and network errors are
 * retried.
 */
export function emailChannel(opts: EmailOptions): Channel {
  const now = opts.now ?? Date.now;
  return {
    name: 'email',
    async deliver(job: DeliveryJob, jobId: string) {
      const message = job.payload['message'];
      const fields = message && typeof message === 'object' && !Array.isArray(message) ? message : {};
      const to = job.email?.to;
      const from = job.email?.from ?? opts.from;
      if (!to || !from) throw new DeliveryError(`action ${jobId} has no recipient or sender address`, false);
      const text = (v: unknown) =>
        typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);
      try {
        await sendMail(opts.smtp, {
          from,
          to,
          message: buildMessage({
            from,
            to,
            subject: text(fields['subject']),
            body: text(fields['body']),
            id: jobId,
            date: new Date(now()),
          }),
        });
      } catch (err) {
        if (err instanceof SmtpError) throw new DeliveryError(err.message, err.retriable, err);
        throw err;
      }
    },
  };
}
