import { consentDenies } from '@pulse/events';

/** The consent category campaigns need (Segment Consent Management; compared case-insensitively). */
export const MARKETING_CONSENT = 'marketing';

/** Traits that mean "no marketing" (Segment-style profile traits). */
const OPT_OUT_TRAITS = ['unsubscribed', 'opted_out', 'optedOut', 'marketing_opt_out', 'do_not_contact'];

/**
 * Why a person may not be contacted, from their traits and the event's context (Segment consent:
 * `context.consent.categoryPreferences`, the category "marketing" in any case, e.g. `Marketing: false`).
 */
export function optOutReason(
  traits: Record<string, unknown>,
  context: Record<string, unknown> = {},
): string | undefined {
  for (const name of OPT_OUT_TRAITS) {
    if (traits[name] === true || traits[name] === 'true') return `trait ${name}`;
  }
  if (consentDenies(context, MARKETING_CONSENT)) return `consent ${MARKETING_CONSENT}=false`;
  return undefined;
}

/** The person's time zone: a trait, else the event's context (Segment: context.timezone). */
export function timeZoneOf(
  traits: Record<string, unknown>,
  context: Record<string, unknown>,
): string | undefined {
  const tz = traits['timezone'] ?? traits['time_zone'] ?? context['timezone'];
  return typeof tz === 'string' && tz.length > 0 ? tz : undefined;
}
