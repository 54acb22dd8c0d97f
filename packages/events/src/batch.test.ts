import { describe, expect, it } from 'vitest';
import { type BatchEnvelope, expandBatch, validateBatchEnvelope } from './batch.js';
import type { Problem } from './problems.js';
import { toStoredEvent } from './stored-event.js';
import { validateEvent } from './validate.js';

function envelope(input: unknown): BatchEnvelope {
  const result = validateBatchEnvelope(input);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

function problemsOf(input: unknown): Problem[] {
  const result = validateBatchEnvelope(input);
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

describe('validateBatchEnvelope', () => {
  it('accepts a Segment batch body and ignores unknown fields', () => {
    const batch = [{ type: 'track' }, 'not even an event'];
    const value = envelope({
      batch,
      context: { library: { name: 'analytics-node' } },
      integrations: { All: false },
      sentAt: '2011-12-09T12:50:00Z',
      writeKey: 'wk',
      other: 1,
    });
    expect(value).toStrictEqual({
      batch,
      context: { library: { name: 'analytics-node' } },
      integrations: { All: false },
      sentAt: '2011-12-09T12:50:00Z',
      writeKey: 'wk',
    });
    expect(value.batch).toBe(batch);
    expect(envelope({ batch: [] })).toStrictEqual({ batch: [] });
  });

  it('requires batch to be an array', () => {
    expect(problemsOf({})).toEqual([
      { path: 'batch', code: 'required', reason: 'is required: an array of events' },
    ]);
    expect(problemsOf({ batch: { type: 'track' } })).toEqual([
      { path: 'batch', code: 'type', reason: 'must be an array of events, got object' },
    ]);
  });

  it('checks the other fields, reporting every problem', () => {
    expect(
      problemsOf({ batch: 1, context: [], integrations: 'x', sentAt: 'now', writeKey: 5 }).map((p) => [
        p.path,
        p.code,
      ]),
    ).toEqual([
      ['batch', 'type'],
      ['context', 'type'],
      ['integrations', 'type'],
      ['sentAt', 'format'],
      ['writeKey', 'type'],
    ]);
    expect(problemsOf({ batch: [], sentAt: 1 }).map((p) => [p.path, p.code])).toEqual([['sentAt', 'type']]);
  });

  it.each([null, [], 'batch', 7])('rejects %j as a whole', (input) => {
    expect(problemsOf(input).map((p) => [p.path, p.code])).toEqual([['', 'type']]);
  });

  it('never throws', () => {
    const hostile = {
      get batch(): unknown[] {
        throw new Error('boom');
      },
    };
    expect(problemsOf(hostile).map((p) => p.code)).toEqual(['type']);
  });
});

describe('expandBatch', () => {
  it('merges batch context and integrations into each event, the event keys winning', () => {
    const events = expandBatch({
      batch: [
        { type: 'track', context: { ip: '1.1.1.1', locale: 'fr-FR' }, integrations: { Mixpanel: false } },
        { type: 'identify' },
      ],
      context: { locale: 'en-US', library: { name: 'analytics-python' } },
      integrations: { All: true, Mixpanel: true },
    });
    expect(events).toStrictEqual([
      {
        type: 'track',
        context: { locale: 'fr-FR', library: { name: 'analytics-python' }, ip: '1.1.1.1' },
        integrations: { All: true, Mixpanel: false },
      },
      {
        type: 'identify',
        context: { locale: 'en-US', library: { name: 'analytics-python' } },
        integrations: { All: true, Mixpanel: true },
      },
    ]);
  });

  it('merges shallowly: a nested object of the event replaces the batch one', () => {
    const [event] = expandBatch({
      batch: [{ type: 'track', context: { library: { version: '2' } } }],
      context: { library: { name: 'x', version: '1' } },
    });
    expect(event).toEqual({ type: 'track', context: { library: { version: '2' } } });
  });

  it('gives the batch sentAt to events without their own', () => {
    const events = expandBatch({
      batch: [
        { type: 'track' },
        { type: 'track', sentAt: '2011-12-09T12:00:00Z' },
        { type: 'track', sentAt: null },
      ],
      sentAt: '2011-12-09T12:50:00Z',
    });
    expect(events.map((e) => (e as { sentAt?: string }).sentAt)).toEqual([
      '2011-12-09T12:50:00Z',
      '2011-12-09T12:00:00Z',
      '2011-12-09T12:50:00Z',
    ]);
  });

  it('does not modify the envelope or its events', () => {
    const item = { type: 'track', context: { a: 1 } };
    const input: BatchEnvelope = { batch: [item], context: { b: 2 }, sentAt: '2011-12-09T12:50:00Z' };
    const before = JSON.stringify(input);
    const [event] = expandBatch(input);
    expect(event).not.toBe(item);
    expect(JSON.stringify(input)).toBe(before);
  });

  it('passes events through as they are when the envelope has nothing to add', () => {
    const item = { type: 'track' };
    const batch = [item, 'junk'];
    const events = expandBatch({ batch, writeKey: 'wk' });
    expect(events).toEqual(batch);
    expect(events).not.toBe(batch);
    expect(events[0]).toBe(item);
  });

  it('leaves non-objects and non-object contexts for validateEvent to report', () => {
    const events = expandBatch({ batch: ['junk', null, { type: 'track', context: 'x' }], context: { a: 1 } });
    expect(events).toEqual(['junk', null, { type: 'track', context: 'x' }]);
    const result = validateEvent(events[2], { receivedAt: new Date() });
    expect(result.ok ? [] : result.problems.map((p) => p.path)).toContain('context');
  });

  it('keeps "__proto__" keys as data when merging', () => {
    const body = JSON.parse(
      '{"batch":[{"type":"track","__proto__":{"polluted":1},"context":{"__proto__":{"polluted":2},"a":1}}],' +
        '"context":{"__proto__":{"polluted":3},"b":2}}',
    );
    const [event] = expandBatch(envelope(body)) as Record<string, Record<string, unknown>>[];
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(event?.['context'])).toBe(Object.prototype);
    expect(JSON.stringify(event)).toBe(
      '{"type":"track","__proto__":{"polluted":1},"context":{"__proto__":{"polluted":2},"b":2,"a":1}}',
    );
  });

  it('feeds the batch sentAt into skew correction', () => {
    const receivedAt = new Date('2011-12-09T12:50:00.000Z');
    const body = envelope({
      batch: [{ type: 'track', userId: 'u', event: 'E', timestamp: '2011-12-09T13:49:50.000Z' }],
      sentAt: '2011-12-09T13:50:00.000Z',
    });
    const result = validateEvent(expandBatch(body)[0], { receivedAt });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const stored = toStoredEvent(result.value, { receivedAt, sourceId: 's' });
    expect(stored.timestamp).toBe('2011-12-09T12:49:50.000Z');
    expect(stored.sent_at).toBe('2011-12-09T13:50:00.000Z');
  });
});
