import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { consentPreference, type JsonObject, type JsonValue, type SegmentEvent } from '@pulse/events';

/**
 * What the collector does to personal data before an event reaches Kafka
 * (COLLECTOR_ANONYMIZE_IP, COLLECTOR_HASH_TRAITS, COLLECTOR_CONSENT_*).
 */
export interface PrivacyPolicy {
  /** Zero the host part of `context.ip`: the last octet of IPv4, the last 80 bits of IPv6. */
  anonymizeIp: boolean;
  /** Trait names (compared case-insensitively) replaced by `sha256:<hex>` of the lower-cased, trimmed value. */
  hashTraits: readonly string[];
  /** Unset: consent is not checked. */
  consent?: ConsentPolicy;
}

/**
 * Consent as Segment's Consent Management sends it:
 * `context.consent.categoryPreferences: {Analytics: true, Advertising: false}`.
 */
export interface ConsentPolicy {
  /** The category storage needs, e.g. "analytics" (compared case-insensitively). */
  category: string;
  /** opt-out: stored unless the category is denied; opt-in: stored only if it is granted. */
  mode: 'opt-out' | 'opt-in';
}

export const NO_PRIVACY: PrivacyPolicy = Object.freeze({ anonymizeIp: false, hashTraits: [] });

const HASHED = /^sha256:[0-9a-f]{64}$/;

/** `sha256:<hex>` of the trimmed, lower-cased value, so the same e-mail written two ways joins up. */
export function hashTraitValue(value: JsonValue): JsonValue {
  if (value === null) return null;
  if (typeof value === 'string' && HASHED.test(value)) return value; // already hashed (a replay)
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return `sha256:${createHash('sha256').update(text.trim().toLowerCase()).digest('hex')}`;
}

/**
 * The address with its host part zeroed: `203.0.113.9` → `203.0.113.0`,
 * `2001:db8:85a3:8d3:1319:8a2e:370:7348` → `2001:db8:85a3::`. IPv4-mapped
 * IPv6 addresses are treated as the IPv4 address they carry. Undefined when
 * the value is not an IP address (and so cannot be kept safely).
 */
export function anonymizeIp(value: string): string | undefined {
  const ip = value.trim();
  const version = isIP(ip);
  if (version === 4) return ip.slice(0, ip.lastIndexOf('.') + 1) + '0';
  if (version !== 6) return undefined;
  const groups = ipv6Groups(ip.split('%')[0]!);
  if (groups === undefined) return undefined;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.0`;
  }
  return formatIpv6([groups[0]!, groups[1]!, groups[2]!, 0, 0, 0, 0, 0]);
}

/** The eight 16-bit groups of an address node:net accepted as IPv6. */
function ipv6Groups(ip: string): number[] | undefined {
  const parse = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    for (const piece of part.split(':')) {
      if (piece.includes('.')) {
        const [a, b, c, d] = piece.split('.').map(Number);
        out.push(((a! << 8) | b!) & 0xffff, ((c! << 8) | d!) & 0xffff);
      } else {
        out.push(Number.parseInt(piece, 16));
      }
    }
    return out;
  };
  const [head, tail] = ip.split('::');
  const left = parse(head ?? '');
  const right = tail === undefined ? [] : parse(tail);
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  return [...left, ...new Array<number>(missing).fill(0), ...right];
}

/** RFC 5952 text: lower-case hex, the longest run of two or more zero groups written `::`. */
function formatIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(':');
  if (bestStart === -1) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

/** Whether the event may be stored under the consent policy. */
export function consentAllows(context: JsonObject | undefined, policy: ConsentPolicy | undefined): boolean {
  if (policy === undefined) return true;
  const granted = consentPreference(context, policy.category);
  if (granted === false) return false;
  return granted === true || policy.mode === 'opt-out';
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The function that applies the policy to a validated event, or undefined
 * when the policy changes nothing (the hot path then does no work). The
 * event's objects are shared with the request body, so changed ones are
 * copied, never edited.
 */
export function privacyFilter(policy: PrivacyPolicy): ((event: SegmentEvent) => SegmentEvent) | undefined {
  const hashed = new Set(policy.hashTraits.map((t) => t.toLowerCase()));
  if (!policy.anonymizeIp && hashed.size === 0) return undefined;

  const hashTraits = (traits: JsonObject): JsonObject | undefined => {
    let copy: JsonObject | undefined;
    for (const [name, value] of Object.entries(traits)) {
      if (!hashed.has(name.toLowerCase())) continue;
      const hashedValue = hashTraitValue(value);
      if (hashedValue === value) continue;
      // Spread defines own properties, so a "__proto__" key stays data and never becomes a prototype.
      copy ??= { ...traits };
      Object.defineProperty(copy, name, {
        value: hashedValue,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return copy;
  };

  return (event) => {
    let context = event.context;
    if (context !== undefined) {
      let copy: JsonObject | undefined;
      const ip = context['ip'];
      if (policy.anonymizeIp && ip !== undefined && ip !== null) {
        const anonymous = typeof ip === 'string' ? anonymizeIp(ip) : undefined;
        if (anonymous !== ip) {
          copy = { ...context };
          if (anonymous === undefined) delete copy['ip'];
          else copy['ip'] = anonymous;
        }
      }
      const traits = context['traits'];
      if (hashed.size > 0 && isObject(traits)) {
        const hashedTraits = hashTraits(traits);
        if (hashedTraits !== undefined) {
          copy ??= { ...context };
          copy['traits'] = hashedTraits;
        }
      }
      if (copy !== undefined) context = copy;
    }
    const traits =
      event.type === 'identify' && event.traits !== undefined && hashed.size > 0
        ? hashTraits(event.traits)
        : undefined;
    if (context === event.context && traits === undefined) return event;
    return {
      ...event,
      ...(context === undefined ? {} : { context }),
      ...(traits === undefined ? {} : { traits }),
    };
  };
}
