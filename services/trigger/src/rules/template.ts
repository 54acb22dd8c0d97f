import { valueAt } from './conditions.js';

const PLACEHOLDER = /\{\{\s*([\w$.-]+)\s*\}\}/g;
const WHOLE = /^\{\{\s*([\w$.-]+)\s*\}\}$/;

/** Placeholders for which this is true stay as they are, to be filled later (recommendations, at delivery). */
export type Leave = (path: string) => boolean;

/**
 * Fills `{{path}}` placeholders in every string of a JSON template from
 * `scope` (event, traits, person, campaign, variant, recommendations). A
 * string that is just one placeholder takes the value with its type; a
 * missing value becomes ''. Placeholders `leave` picks are kept verbatim.
 */
export function fillTemplate(template: unknown, scope: Record<string, unknown>, leave?: Leave): unknown {
  if (typeof template === 'string') {
    const whole = WHOLE.exec(template);
    if (whole?.[1] && !leave?.(whole[1])) return valueAt(scope, whole[1]) ?? '';
    return template.replace(PLACEHOLDER, (text, path: string) => {
      if (leave?.(path)) return text;
      const v = valueAt(scope, path);
      return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    });
  }
  if (Array.isArray(template)) return template.map((t) => fillTemplate(t, scope, leave));
  if (template && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillTemplate(v, scope, leave)]));
  }
  return template;
}

/** The first step of a placeholder's path: `recommendations` for {{recommendations.0.item}}. */
export function pathRoot(path: string): string {
  return path.split('.', 1)[0] ?? '';
}

/** Whether any string of the template has a placeholder under `root`. */
export function usesRoot(template: unknown, root: string): boolean {
  if (typeof template === 'string') {
    return [...template.matchAll(PLACEHOLDER)].some((m) => pathRoot(m[1] ?? '') === root);
  }
  if (Array.isArray(template)) return template.some((t) => usesRoot(t, root));
  if (template && typeof template === 'object') return Object.values(template).some((t) => usesRoot(t, root));
  return false;
}
