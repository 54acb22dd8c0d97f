import { valueAt } from './conditions.js';

const PLACEHOLDER = /\{\{\s*([\w$.-]+)\s*\}\}/g;

/**
 * Fills `{{path}}` placeholders in every string of a JSON template from
 * `scope` (event, traits, person, campaign, variant). A string that is just
 * one placeholder takes the value with its type; a missing value becomes ''.
 */
export function fillTemplate(template: unknown, scope: Record<string, unknown>): unknown {
  if (typeof template === 'string') {
    const whole = /^\{\{\s*([\w$.-]+)\s*\}\}$/.exec(template);
    if (whole?.[1]) return valueAt(scope, whole[1]) ?? '';
    return template.replace(PLACEHOLDER, (_, path: string) => {
      const v = valueAt(scope, path);
      return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    });
  }
  if (Array.isArray(template)) return template.map((t) => fillTemplate(t, scope));
  if (template && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillTemplate(v, scope)]));
  }
  return template;
}
