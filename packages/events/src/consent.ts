import type { JsonValue } from './types.js';

type Context = Readonly<Record<string, unknown>> | undefined;

/**
 * The event's stated preference for a consent category, as Segment's Consent Management sends it
 * (`context.consent.categoryPreferences: {Advertising: false, Analytics: true}`), the category
 * compared case-insensitively: true, false, or undefined when the event states none. Stated twice
 * in different case, a refusal wins.
 */
export function consentPreference(context: Context, category: string): boolean | undefined {
  const consent = context?.['consent'];
  if (!isObject(consent)) return undefined;
  const preferences = consent['categoryPreferences'];
  if (!isObject(preferences)) return undefined;
  const wanted = category.toLowerCase();
  let found: boolean | undefined;
  for (const [name, value] of Object.entries(preferences)) {
    if (name.toLowerCase() !== wanted || typeof value !== 'boolean') continue;
    if (value === false) return false;
    found = true;
  }
  return found;
}

/** Whether the event's consent refuses `category` (an event that states nothing refuses nothing). */
export function consentDenies(context: Context, category: string): boolean {
  return consentPreference(context, category) === false;
}

function isObject(value: unknown): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
