/** Traits that mean "no marketing" (Segment-style profile traits). */
const OPT_OUT_TRAITS = ['unsubscribed', 'opted_out', 'optedOut', 'marketing_opt_out', 'do_not_contact'];

/**
 * Why a person may not be contacted, from their traits and the event's
 * context (Segment consent: context.consent.categoryPreferences.marketing).
 */
export function optOutReason(
  traits: Record<string, unknown>,
  context: Record<string, unknown> = {},
): string | undefined {
  for (const name of OPT_OUT_TRAITS) {
    if (traits[name] === true || traits[name] === 'true') return `trait ${name}`;
  }
  const consent = context['consent'];
  if (consent && typeof consent === 'object') {
    const prefs = (consent as Record<string, unknown>)['categoryPreferences'];
    if (prefs && typeof prefs === 'object' && (prefs as Record<string, unknown>)['marketing'] === false) {
      return 'consent marketing=false';
    }
  }
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
