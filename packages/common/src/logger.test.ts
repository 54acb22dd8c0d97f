import { describe, expect, it } from 'vitest';
import { CORRELATION, createLogger, type LoggerConfig } from './logger.js';

/** Keeps every log line pino writes, parsed. */
function memoryLogger(config: Partial<LoggerConfig> = {}) {
  const lines: string[] = [];
  const logger = createLogger(
    { service: 'test', level: 'debug', ...config },
    { write: (line: string) => void lines.push(line) },
  );
  return {
    logger,
    lines,
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    text: () => lines.join(''),
  };
}

describe('createLogger', () => {
  it('writes JSON lines with the service, the level and an ISO time, at the configured level', () => {
    const { logger, records } = memoryLogger({ level: 'info' });
    logger.debug('hidden');
    logger.info({ rows: 3 }, 'inserted');
    expect(records()).toEqual([
      {
        level: 30,
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        service: 'test',
        rows: 3,
        msg: 'inserted',
      },
    ]);
  });

  it('censors e-mail, phone and IP addresses wherever they sit in a logged event', () => {
    const { logger, records, text } = memoryLogger();
    const event = {
      type: 'identify',
      messageId: 'm-1',
      userId: 'u-1',
      traits: { email: 'ada@example.com', phone: '+44 20 7946 0958', plan: 'pro' },
      context: {
        ip: '203.0.113.7',
        traits: { email: 'ada@example.com' },
        page: { url: 'https://shop.example/a' },
      },
      properties: { nested: { deeper: { contactEmail: 'ada@example.com', phone_number: '0123' } } },
    };
    logger.info({ event, messageId: event.messageId }, 'refused');
    const [line] = records();
    expect(line).toMatchObject({
      messageId: 'm-1',
      event: {
        userId: 'u-1',
        traits: { email: '[redacted]', phone: '[redacted]', plan: 'pro' },
        context: {
          ip: '[redacted]',
          traits: { email: '[redacted]' },
          page: { url: 'https://shop.example/a' },
        },
        properties: { nested: { deeper: { contactEmail: '[redacted]', phone_number: '[redacted]' } } },
      },
    });
    expect(text()).not.toMatch(/ada@example|203\.0\.113|7946/);
    // The caller's object is left as it was.
    expect(event.traits.email).toBe('ada@example.com');
  });

  it('censors the personal traits by default and the ones the installation marks, only inside traits', () => {
    const { logger, records } = memoryLogger({ personalTraits: ['company', 'loyalty_id'] });
    logger.info(
      {
        traits: {
          firstName: 'Ada',
          last_name: 'Lovelace',
          company: 'Analytical',
          loyaltyId: 'L-9',
          plan: 'pro',
        },
        name: 'Order Completed',
        company: 'not a trait here',
      },
      'identify',
    );
    expect(records()[0]).toMatchObject({
      traits: {
        firstName: '[redacted]',
        last_name: '[redacted]',
        company: '[redacted]',
        loyaltyId: '[redacted]',
        plan: 'pro',
      },
      name: 'Order Completed',
      company: 'not a trait here',
    });
  });

  it('scrubs e-mail addresses, and quoted IP addresses and phone numbers, from text and messages', () => {
    const { logger, records } = memoryLogger();
    logger.warn(
      {
        reason: 'userId: must be an id, got string "ada@example.com"',
        problems: [
          { path: 'context.ip', reason: 'got string "2001:db8::1"' },
          { reason: 'got "+33 1 23 45 67 89"' },
        ],
        broker: '127.0.0.1:9092',
      },
      'refused for bob@example.org',
    );
    const [line] = records();
    expect(line).toMatchObject({
      reason: 'userId: must be an id, got string "[redacted]"',
      problems: [{ path: 'context.ip', reason: 'got string "[redacted]"' }, { reason: 'got "[redacted]"' }],
      // Pulse's own servers stay readable: an unquoted address is not a person's.
      broker: '127.0.0.1:9092',
      msg: 'refused for [redacted]',
    });
  });

  it('censors child bindings, error messages and secrets', () => {
    const { logger, records, text } = memoryLogger();
    const child = logger.child({ [CORRELATION.requestId]: 'req-1', email: 'ada@example.com' });
    child.error(
      {
        err: new Error('insert failed for ada@example.com'),
        req: { headers: { authorization: 'Basic c2VjcmV0Og==', 'x-forwarded-for': '198.51.100.4' } },
        writeKey: 'wk-secret',
      },
      'failed',
    );
    const [line] = records();
    expect(line).toMatchObject({
      requestId: 'req-1',
      email: '[redacted]',
      err: { type: 'Error', message: 'insert failed for [redacted]' },
      req: { headers: { authorization: '[redacted]', 'x-forwarded-for': '[redacted]' } },
      writeKey: '[redacted]',
    });
    expect(text()).not.toMatch(/c2VjcmV0|198\.51|wk-secret|ada@/);
  });

  it('survives circular objects', () => {
    const { logger, records } = memoryLogger();
    const a: Record<string, unknown> = { id: 'a', email: 'x@example.com' };
    a['self'] = a;
    logger.info({ a }, 'circular');
    expect(records()[0]).toMatchObject({ a: { id: 'a', email: '[redacted]', self: '[circular]' } });
  });
});
