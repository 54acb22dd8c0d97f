import { describe, expect, it } from 'vitest';
import { emailOf } from './address.js';
import { buildMessage, dotStuff, encodeHeaderText } from './message.js';

const base = {
  from: 'shop@example.com',
  to: 'ada@example.com',
  id: 'welcome.ada.entered-7',
  date: new Date('2026-01-10T12:00:00Z'),
};

describe('email messages', () => {
  it('builds a 7bit plain-text message with CRLF line ends and a stable Message-ID', () => {
    const m = buildMessage({ ...base, subject: 'Welcome', body: 'Hello Ada\nSee you' });
    const [head, body] = m.split('\r\n\r\n');
    expect(head?.split('\r\n')).toEqual([
      'From: shop@example.com',
      'To: ada@example.com',
      'Subject: Welcome',
      'Date: Sat, 10 Jan 2026 12:00:00 +0000',
      expect.stringMatching(/^Message-ID: <[0-9a-f]{32}@pulse\.trigger>$/),
      'X-Pulse-Id: welcome.ada.entered-7',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 7bit',
    ]);
    expect(body).toBe('Hello Ada\r\nSee you\r\n');
    expect(buildMessage({ ...base, subject: 'x', body: 'y' })).toContain(
      m.match(/Message-ID: <[^>]+>/)?.[0] ?? 'missing',
    );
  });

  it('encodes non-ASCII subjects and bodies, and keeps header injection out', () => {
    const m = buildMessage({ ...base, subject: 'Grüße\r\nBcc: evil@x.y', body: 'Schöne Grüße' });
    expect(m).not.toMatch(/^Bcc:/m);
    const subject = /^Subject: (.*(?:\r\n .*)*)/m.exec(m)?.[1] ?? '';
    const decoded = subject
      .split('\r\n ')
      .map((w) => Buffer.from(/=\?UTF-8\?B\?(.*)\?=/.exec(w)?.[1] ?? '', 'base64').toString('utf8'))
      .join('');
    expect(decoded).toBe('Grüße Bcc: evil@x.y');
    expect(m).toContain('Content-Transfer-Encoding: base64');
    const body = m.split('\r\n\r\n')[1] ?? '';
    expect(Buffer.from(body.replace(/\r\n/g, ''), 'base64').toString('utf8')).toBe('Schöne Grüße');
    expect(encodeHeaderText('plain ascii')).toBe('plain ascii');
  });

  it('dot-stuffs lines that start with a dot and ends DATA with the lone dot', () => {
    expect(dotStuff('.hidden\r\nok\n..two\r\n')).toBe('..hidden\r\nok\r\n...two\r\n.\r\n');
    expect(dotStuff('no newline')).toBe('no newline\r\n.\r\n');
  });

  it('takes the address from the email trait only when it cannot break a command', () => {
    expect(emailOf({ email: ' ada@example.com ' })).toBe('ada@example.com');
    expect(emailOf({ email: 'ada@example.com>\r\nRCPT TO:<x@y' })).toBeUndefined();
    expect(emailOf({ email: 'not an address' })).toBeUndefined();
    expect(emailOf({ email: 42 })).toBeUndefined();
    expect(emailOf({})).toBeUndefined();
  });
});
