import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'pulse-signature';
/** The occasion's id: the same on every retry, so receivers can drop repeats (Svix's webhook-id). */
export const ID_HEADER = 'pulse-id';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`, as Stripe signs webhooks. */
export function signPayload(secret: string, body: string, timestampSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

export type Verification = { ok: true; timestamp: number } | { ok: false; reason: string };

/**
 * Checks a signature header against the raw body. Timestamps older or newer
 * than `toleranceSeconds` are refused, so a captured request cannot be
 * replayed later.
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string | undefined,
  nowSeconds: number,
  toleranceSeconds = 300,
): Verification {
  if (!header) return { ok: false, reason: 'missing signature header' };
  const parts = new Map<string, string[]>();
  for (const item of header.split(',')) {
    const [k, v] = item.split('=', 2);
    if (!k || v === undefined) continue;
    parts.set(k.trim(), [...(parts.get(k.trim()) ?? []), v.trim()]);
  }
  const t = Number(parts.get('t')?.[0]);
  if (!Number.isInteger(t)) return { ok: false, reason: 'no timestamp in signature header' };
  if (Math.abs(nowSeconds - t) > toleranceSeconds)
    return { ok: false, reason: 'timestamp outside tolerance' };
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
  const match = (parts.get('v1') ?? []).some((sig) => {
    const given = Buffer.from(sig);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return match ? { ok: true, timestamp: t } : { ok: false, reason: 'signature does not match' };
}
