/**
 * Personal data never reaches the logs. Log lines may carry events, traits,
 * requests or validation reasons that quote a value, at any depth, so the
 * redaction goes by key name wherever the key sits (pino's path-based redact
 * only reaches the paths listed in advance) and scrubs free text for what
 * is unmistakably personal.
 */

export const REDACTED = '[redacted]';

/** Keys whose value is personal or secret wherever they appear (compared lower-case, without `_`, `-`, `.`). */
export const PERSONAL_KEYS: readonly string[] = [
  'email',
  'phone',
  'phonenumber',
  'mobile',
  'ip',
  'ipaddress',
  'remoteaddress',
  'xforwardedfor',
  'xrealip',
  'authorization',
  'cookie',
  'password',
  'writekey',
];

/**
 * Traits that are personal by default (Segment's reserved traits that name
 * or locate a person). Inside a `traits` object these are redacted too;
 * more can be marked personal per installation (PULSE_PERSONAL_TRAITS).
 */
export const DEFAULT_PERSONAL_TRAITS: readonly string[] = [
  'address',
  'avatar',
  'birthday',
  'email',
  'firstName',
  'lastName',
  'name',
  'phone',
  'username',
];

const normalise = (key: string) => key.toLowerCase().replace(/[-_.\s]/g, '');

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// IP addresses and phone numbers are only recognised as a whole quoted value
// (how validation reasons quote what they refused): unquoted addresses in
// Pulse's logs are its own servers' (brokers, ClickHouse), which operators need.
const QUOTED_IPV4 = /"(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)"/g;
const QUOTED_IPV6 = /"[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}"/g;
const QUOTED_PHONE = /"\+\d[\d\s().-]{5,}\d"/g;

/** The text with e-mail addresses, and quoted IP addresses and international phone numbers, replaced. */
export function scrubText(text: string): string {
  if (text.length < 6) return text;
  let out = text.replace(EMAIL, REDACTED);
  if (out.includes('"')) {
    out = out
      .replace(QUOTED_IPV4, `"${REDACTED}"`)
      .replace(QUOTED_IPV6, (m) => (m.length > 4 ? `"${REDACTED}"` : m))
      .replace(QUOTED_PHONE, `"${REDACTED}"`);
  }
  return out;
}

export type Redactor = (value: unknown) => unknown;

const MAX_DEPTH = 10;

/**
 * Builds a function that returns a copy of a log object with personal keys
 * censored, personal traits censored inside `traits`, and strings scrubbed.
 * The caller's object is never modified.
 */
export function createRedactor(personalTraits: readonly string[] = DEFAULT_PERSONAL_TRAITS): Redactor {
  const keys = new Set(PERSONAL_KEYS.map(normalise));
  const traits = new Set(personalTraits.map(normalise));
  const isPersonalKey = (k: string) => keys.has(k) || k.endsWith('email') || k.endsWith('phone');

  const walk = (value: unknown, inTraits: boolean, depth: number, seen: WeakSet<object>): unknown => {
    if (typeof value === 'string') return scrubText(value);
    if (typeof value !== 'object' || value === null) return value;
    if (depth > MAX_DEPTH) return '[too deep]';
    if (seen.has(value)) return '[circular]';
    if (value instanceof Date || Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return value;
    seen.add(value);
    try {
      if (value instanceof Error) return copyError(value, (v) => walk(v, false, depth + 1, seen));
      if (Array.isArray(value)) return value.map((v) => walk(v, inTraits, depth + 1, seen));
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const n = normalise(k);
        if (isPersonalKey(n) || (inTraits && traits.has(n))) out[k] = REDACTED;
        else out[k] = walk(v, n === 'traits', depth + 1, seen);
      }
      return out;
    } finally {
      seen.delete(value);
    }
  };
  return (value) => walk(value, false, 0, new WeakSet());
}

/** A copy of an error of the same class (pino's serializer names it by class) with its text scrubbed. */
function copyError(err: Error, walk: (v: unknown) => unknown): Error {
  const copy = Object.create(Object.getPrototypeOf(err) as object) as Error;
  const hidden = (value: unknown) => ({ value, enumerable: false, writable: true, configurable: true });
  Object.defineProperty(copy, 'message', hidden(scrubText(err.message)));
  if (err.stack !== undefined) Object.defineProperty(copy, 'stack', hidden(scrubText(err.stack)));
  if (err.cause !== undefined) Object.defineProperty(copy, 'cause', hidden(walk(err.cause)));
  for (const [k, v] of Object.entries(err)) (copy as unknown as Record<string, unknown>)[k] = walk(v);
  return copy;
}
