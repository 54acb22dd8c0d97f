import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { BadLine } from './bad-line.js';
import { mapOttoSession } from './map-otto-session.js';
import { type OttoSession, readOttoSessions } from './otto.js';

const dataDir = process.env['PULSE_DATA_DIR'];

async function collect(source: AsyncIterable<OttoSession>): Promise<OttoSession[]> {
  const sessions: OttoSession[] = [];
  for await (const session of source) sessions.push(session);
  return sessions;
}

describe('readOttoSessions', () => {
  it('reads the 20 real sample sessions with the counts the data README states', async () => {
    const bad: BadLine[] = [];
    const sessions = await collect(readOttoSessions({ dataDir, onBadLine: (line) => bad.push(line) }));
    const events = sessions.flatMap((s) => s.events);
    const count = (type: string): number => events.filter((e) => e.type === type).length;
    expect(bad).toEqual([]);
    expect(sessions).toHaveLength(20);
    expect([count('clicks'), count('carts'), count('orders')]).toEqual([800, 52, 10]);
    expect(new Set(events.map((e) => e.aid)).size).toBe(510);
    expect(sessions[0]?.events[0]).toEqual({ aid: 1517085, ts: 1659304800025, type: 'clicks' });
  });

  it('reports bad lines with their line number and reads on', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pulse-otto-'));
    const lines = [
      '{"session":1,"events":[{"aid":5,"ts":1000,"type":"clicks"}]}',
      '{"session":2,"events":[{"aid":5,"ts":1000,"type":"clicks"}', // cut off
      '',
      '{"session":3,"events":[{"aid":5,"ts":1000,"type":"views"}]}',
      '{"events":[]}',
      '{"session":4,"events":[{"aid":"5","ts":1000,"type":"carts"}]}',
      '{"session":5,"events":[]}',
    ];
    await writeFile(join(dir, 'sessions.jsonl'), `${lines.join('\r\n')}`);
    const bad: BadLine[] = [];
    const sessions = await collect(
      readOttoSessions({ dataDir: dir, file: 'sessions.jsonl', onBadLine: (b) => bad.push(b) }),
    );
    expect(sessions.map((s) => s.session)).toEqual([1, 5]);
    expect(bad.map((b) => [b.line, b.reason])).toEqual([
      [2, 'invalid_json'],
      [4, 'invalid_event_type'],
      [5, 'invalid_session'],
      [6, 'invalid_event'],
    ]);
    expect(bad[0]?.file).toBe('sessions.jsonl');
  });

  it('warns through process.emitWarning when the caller passes no handler', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pulse-otto-'));
    await writeFile(join(dir, 'sessions.jsonl'), 'not json\n{"session":1,"events":[]}\n');
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const sessions = await collect(readOttoSessions({ dataDir: dir, file: 'sessions.jsonl' }));
      expect(sessions).toHaveLength(1);
      expect(warn).toHaveBeenCalledWith('sessions.jsonl:1: invalid_json: not json', {
        code: 'PULSE_DATASET_BAD_LINE',
      });
    } finally {
      warn.mockRestore();
    }
  });
});

describe('mapOttoSession', () => {
  const session: OttoSession = {
    session: 7,
    events: [
      { aid: 11, ts: 1659304800025, type: 'clicks' },
      { aid: 11, ts: 1659304801000, type: 'carts' },
      { aid: 11, ts: 1659304900000, type: 'orders' },
      { aid: 12, ts: 1659304900000, type: 'orders' },
      { aid: 13, ts: 1659305000000, type: 'orders' },
    ],
  };

  it('maps views, adds and one order per checkout timestamp', () => {
    expect(mapOttoSession(session)).toEqual([
      {
        type: 'track',
        anonymousId: 'otto-7',
        event: 'Product Viewed',
        properties: { product_id: '11' },
        timestamp: new Date(1659304800025),
        messageId: 'otto-7-0',
      },
      {
        type: 'track',
        anonymousId: 'otto-7',
        event: 'Product Added',
        properties: { product_id: '11', quantity: 1 },
        timestamp: new Date(1659304801000),
        messageId: 'otto-7-1',
      },
      {
        type: 'track',
        anonymousId: 'otto-7',
        event: 'Order Completed',
        properties: {
          order_id: 'otto-7-1659304900000',
          products: [
            { product_id: '11', quantity: 1 },
            { product_id: '12', quantity: 1 },
          ],
        },
        timestamp: new Date(1659304900000),
        messageId: 'otto-7-1659304900000',
      },
      {
        type: 'track',
        anonymousId: 'otto-7',
        event: 'Order Completed',
        properties: { order_id: 'otto-7-1659305000000', products: [{ product_id: '13', quantity: 1 }] },
        timestamp: new Date(1659305000000),
        messageId: 'otto-7-1659305000000',
      },
    ]);
  });

  it('gives the real sample 800 views, 52 adds and 5 orders with unique messageIds', async () => {
    const calls = (await collect(readOttoSessions({ dataDir }))).flatMap(mapOttoSession);
    const count = (event: string): number => calls.filter((c) => c.event === event).length;
    expect([count('Product Viewed'), count('Product Added'), count('Order Completed')]).toEqual([800, 52, 5]);
    expect(new Set(calls.map((c) => c.messageId)).size).toBe(calls.length);
  });
});
