import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signPayload, verifySignature } from './signature.js';

const secret = 'whsec-test-0123456789';

describe('webhook signatures', () => {
  it('signs timestamp.body with HMAC-SHA256, as Stripe does', () => {
    const header = signPayload(secret, '{"a":1}', 1_700_000_000);
    const mac = createHmac('sha256', secret).update('1700000000.{"a":1}').digest('hex');
    expect(header).toBe(`t=1700000000,v1=${mac}`);
    expect(verifySignature(secret, '{"a":1}', header, 1_700_000_100)).toEqual({
      ok: true,
      timestamp: 1_700_000_000,
    });
  });
  it('refuses a changed body, another secret, an old timestamp and a missing header', () => {
    const header = signPayload(secret, '{"a":1}', 1_700_000_000);
    expect(verifySignature(secret, '{"a":2}', header, 1_700_000_000).ok).toBe(false);
    expect(verifySignature('another-secret-xxxxxx', '{"a":1}', header, 1_700_000_000).ok).toBe(false);
    expect(verifySignature(secret, '{"a":1}', header, 1_700_000_301)).toEqual({
      ok: false,
      reason: 'timestamp outside tolerance',
    });
    expect(verifySignature(secret, '{"a":1}', undefined, 1_700_000_000).ok).toBe(false);
  });
});
