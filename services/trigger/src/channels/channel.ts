import { PulseError } from '@pulse/common';
import type { DeliveryJob } from '../execution/jobs.js';

/** A channel delivers one action; it throws DeliveryError when it could not. */
export interface Channel {
  readonly name: string;
  deliver(job: DeliveryJob, jobId: string): Promise<void>;
  /** Frees kept-alive connections once its worker has stopped. */
  close?(): void;
}

/** `retriable` false (a 4xx answer, a 5xx SMTP reply) sends the job straight to the failed set; true lets BullMQ back off and retry. */
export class DeliveryError extends PulseError {
  constructor(message: string, retriable: boolean, cause?: unknown) {
    super(retriable ? 'PULSE_DELIVERY_RETRIABLE' : 'PULSE_DELIVERY_REJECTED', message, { retriable, cause });
  }
}
