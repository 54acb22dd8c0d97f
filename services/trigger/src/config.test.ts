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
  it('names each bad variable', () => {
    try {
      triggerConfigFromEnv({ TRIGGER_DEFAULT_TIMEZONE: 'Mars/Olympus', TRIGGER_WEBHOOK_SECRET: 'short' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(/TRIGGER_DEFAULT_TIMEZONE: must be an IANA time zone/);
      expect((err as Error).message).toMatch(/TRIGGER_WEBHOOK_SECRET: must be at least 16 characters/);
    }
  });
});
