import { literalHostProblem } from '../channels/public-lookup.js';
import type { TriggerConfig } from '../config.js';
import { RECOMMENDATIONS } from '../rules/recommendations.js';
import { usesRoot } from '../rules/template.js';
import { CampaignInvalidError, CampaignUnsupportedError } from './errors.js';
import type { Campaign } from './schema.js';

/**
 * Refuses, at start and at PUT, a campaign this installation cannot run,
 * instead of letting it silently never fire: a webhook without a signing
 * secret or to an address inside the network, email without SMTP settings,
 * recommendations without a source.
 */
export function checkSupported(
  c: Campaign,
  config: TriggerConfig,
  available: { recommendations: boolean },
): void {
  const channel = c.channel;
  if (channel.type === 'webhook') {
    if (!config.webhook.secret) {
      throw new CampaignUnsupportedError(
        c.id,
        'a webhook channel needs TRIGGER_WEBHOOK_SECRET to sign its payloads',
      );
    }
    // Names are resolved and checked again at every connection: this catches the literal cases early.
    const problem = config.webhook.allowPrivate ? undefined : literalHostProblem(channel.url);
    if (problem) throw new CampaignInvalidError(c.id, [{ field: 'channel.url', reason: problem.message }]);
  }
  if (channel.type === 'email') {
    if (!config.smtp) {
      throw new CampaignUnsupportedError(
        c.id,
        'an email channel needs TRIGGER_SMTP_URL (smtp://user:pass@host:port)',
      );
    }
    if (!channel.from && !config.smtp.from) {
      throw new CampaignUnsupportedError(c.id, 'an email channel needs channel.from or TRIGGER_SMTP_FROM');
    }
  }
  if (!available.recommendations && c.variants.some((v) => usesRoot(v.template, RECOMMENDATIONS))) {
    throw new CampaignUnsupportedError(
      c.id,
      'the template uses {{recommendations}}, which needs TRIGGER_RECS_URL (the modeling service)',
    );
  }
}
