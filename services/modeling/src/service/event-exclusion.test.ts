import { RegulationState, type StoredEvent, toStoredEvent, validateEvent } from '@pulse/events';
import { describe, expect, it } from 'vitest';
import { modelingExclusion } from './event-exclusion.js';

function event(userId: string, consent?: Record<string, boolean>): StoredEvent {
  const receivedAt = new Date('2024-05-01T10:00:00Z');
  const validated = validateEvent(
    {
      type: 'track',
      event: 'Product Viewed',
      userId,
      properties: { product_id: 'p1' },
      ...(consent ? { context: { consent: { categoryPreferences: consent } } } : {}),
    },
    { receivedAt },
  );
  if (!validated.ok) throw new Error(JSON.stringify(validated.problems));
  return toStoredEvent(validated.value, { receivedAt, sourceId: 'test' });
}

describe('modelingExclusion', () => {
  it('keeps out events whose consent refuses the category, and those of regulated people', () => {
    const state = new RegulationState(10);
    state.apply({
      v: 1,
      regulationId: 'r',
      regulationType: 'Suppress',
      subjectType: 'USER_ID',
      subjectId: 'gone',
      requestedAt: '2024-04-01T00:00:00Z',
    });
    const exclude = modelingExclusion({
      consentCategory: 'personalization',
      regulated: (key, at) => state.blocks(key, at),
    });
    expect(exclude(event('ada'))).toBeUndefined();
    expect(exclude(event('ada', { Personalization: true }))).toBeUndefined();
    expect(exclude(event('ada', { Personalization: false }))).toBe('consent');
    expect(exclude(event('ada', { Advertising: false }))).toBeUndefined();
    expect(exclude(event('gone'))).toBe('regulation');
    expect(exclude(event('gone', { Personalization: false }))).toBe('regulation');
  });

  it('checks no consent without a category', () => {
    const exclude = modelingExclusion({ regulated: () => false });
    expect(exclude(event('ada', { Personalization: false }))).toBeUndefined();
  });
});
