import { createHash } from 'node:crypto';

export interface EmailContent {
  from: string;
  to: string;
  subject: string;
  body: string;
  /** The action's id: the same Message-ID on every retry, so mail systems can drop a repeat. */
  id: string;
  date: Date;
}

const ASCII = /^[\x20-\x7e]*$/;

/** A header value on one line: CR, LF and other controls would start a new header. */
function oneLine(value: string): string {
  return value.replace(/[\p{Cc}]+/gu, ' ').trim();
}

/** RFC 2047 encoded words for non-ASCII text, each under 76 characters and never splitting a character. */
export function encodeHeaderText(value: string): string {
  const text = oneLine(value);
  if (ASCII.test(text)) return text;
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    if (Buffer.byteLength(chunk + ch) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join('\r\n ');
}

/**
 * A plain-text RFC 5322 message with CRLF line ends. ASCII bodies with
 * short lines go as 7bit; anything else as base64, which every server
 * accepts without 8BITMIME and which keeps lines under 998 octets.
 */
export function buildMessage(m: EmailContent): string {
  const lines = m.body.replace(/\r\n?/g, '\n').split('\n');
  const plain = lines.every((l) => ASCII.test(l) && l.length <= 998);
  const body = plain
    ? lines.join('\r\n')
    : (Buffer.from(lines.join('\r\n'), 'utf8')
        .toString('base64')
        .match(/.{1,76}/g)
        ?.join('\r\n') ?? '');
  const messageId = createHash('sha256').update(m.id).digest('hex').slice(0, 32);
  const headers = [
    `From: ${oneLine(m.from)}`,
    `To: ${oneLine(m.to)}`,
    `Subject: ${encodeHeaderText(m.subject)}`,
    `Date: ${m.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${messageId}@pulse.trigger>`,
    `X-Pulse-Id: ${oneLine(m.id)}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Transfer-Encoding: ${plain ? '7bit' : 'base64'}`,
  ];
  return `${headers.join('\r\n')}\r\n\r\n${body}\r\n`;
}

/** SMTP DATA: a line starting with '.' gets a second one (RFC 5321 4.5.2), and the end mark follows. */
export function dotStuff(message: string): string {
  const crlf = message.replace(/\r?\n/g, '\r\n');
  const stuffed = crlf.replace(/^\./, '..').replace(/\r\n\./g, '\r\n..');
  return `${stuffed.endsWith('\r\n') ? stuffed : `${stuffed}\r\n`}.\r\n`;
}
