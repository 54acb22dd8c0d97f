import { ConfigError } from '@pulse/common';
import { describe, expect, it } from 'vitest';
import { triggerConfigFromEnv } from './config.js';

describe('triggerConfigFromEnv', () => {
  it('has defaults', () => {
    const c = triggerConfigFromEnv({});
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.kafka.groupId).toBe('pulse-trigger');
    expect(c.dailyCap).toBe(3);
    expect(c.webhook.secret).toBeUndefined();
  });
  it('reads the SMTP URL, recommendations, API key, segment group and the private-webhook allowance', () => {
    const c = triggerConfigFromEnv({
      TRIGGER_SMTP_URL: 'smtp://mailer%40shop:p%40ss@mail.example.com:2525',
      TRIGGER_SMTP_FROM: 'shop@example.com',
      TRIGGER_RECS_URL: 'http://modeling:8085/',
      TRIGGER_RECS_API_KEY: 'k',
      TRIGGER_API_KEY: 'an-api-key-of-16-chars',
      TRIGGER_GROUP_ID: 'g',
      TRIGGER_ALLOW_PRIVATE_WEBHOOKS: 'true',
    });
    expect(c.smtp).toEqual({
      host: 'mail.example.com',
      port: 2525,
      secure: false,
      username: 'mailer@shop',
      password: 'p@ss',
      from: 'shop@example.com',
      timeoutMs: 10_000,
      heloName: 'pulse-trigger',
    });
    expect(c.recommendations).toEqual({ url: 'http://modeling:8085', apiKey: 'k', timeoutMs: 300, count: 5 });
    expect(c.api.key).toBe('an-api-key-of-16-chars');
    expect(c.segments).toEqual({ groupId: 'g-segments', fromBeginning: true });
    expect(c.webhook.allowPrivate).toBe(true);
    expect(triggerConfigFromEnv({ TRIGGER_SMTP_URL: 'smtps://mail.example.com' }).smtp?.port).toBe(465);
    const plain = triggerConfigFromEnv({});
    expect([plain.smtp, plain.recommendations, plain.api.key, plain.webhook.allowPrivate]).toEqual([
      undefined,
      undefined,
      undefined,
      false,
    ]);
  });
  it('names each bad variable', () => {
    try {
      triggerConfigFromEnv({
        TRIGGER_DEFAULT_TIMEZONE: 'Mars/Olympus',
        TRIGGER_WEBHOOK_SECRET: 'short',
        TRIGGER_API_KEY: 'short',
        TRIGGER_SMTP_URL: 'http://mail.example.com',
      });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(/TRIGGER_DEFAULT_TIMEZONE: must be an IANA time zone/);
      expect((err as Error).message).toMatch(/TRIGGER_WEBHOOK_SECRET: must be at least 16 characters/);
      expect((err as Error).message).toMatch(/TRIGGER_API_KEY: must be at least 16 characters/);
      expect((err as Error).message).toMatch(/TRIGGER_SMTP_URL: must be smtp:/);
    }
  });
});
