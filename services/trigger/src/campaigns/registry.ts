import { createHash } from 'node:crypto';
import type { Campaign, ChannelSpec } from './schema.js';

/** The queue a channel's deliveries go through: one per webhook endpoint, so each has its own rate limit. */
export function deliveryQueueName(base: string, channel: ChannelSpec): string {
  if (channel.type === 'log') return `${base}-deliver-log`;
  // One lane for email: the SMTP server is the endpoint, whatever the sender.
  if (channel.type === 'email') return `${base}-deliver-email`;
  return `${base}-deliver-${createHash('sha256').update(channel.url).digest('hex').slice(0, 12)}`;
}

/** The campaigns in force, by id; replaced as a whole or one at a time (pause, update). */
export class CampaignRegistry {
  private readonly byId = new Map<string, Campaign>();

  constructor(campaigns: readonly Campaign[] = []) {
    for (const c of campaigns) this.byId.set(c.id, c);
  }

  get(id: string): Campaign | undefined {
    return this.byId.get(id);
  }

  set(c: Campaign): void {
    this.byId.set(c.id, c);
  }

  list(): Campaign[] {
    return [...this.byId.values()];
  }
}
