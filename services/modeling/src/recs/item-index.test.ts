import { describe, expect, it } from 'vitest';
import { AnswerIndex, ItemIndex } from './item-index.js';

/** Slots as the hybrid model makes them: a dense number per distinct id. */
const slots = new ItemIndex();

describe('AnswerIndex', () => {
  it('numbers each answer from 0 in order of first intern, as a fresh ItemIndex would', () => {
    const answer = new AnswerIndex();
    const answers = [['b', 'a', 'b', 'c'], ['c', 'd', 'a'], [], ['a', 'a', 'e', 'b']];
    for (const ids of answers) {
      answer.clear();
      const fresh = new ItemIndex();
      for (const id of ids) expect(answer.intern(slots.intern(id), id)).toBe(fresh.intern(id));
      expect(answer.size).toBe(fresh.size);
      for (let i = 0; i < fresh.size; i++) expect(answer.id(i)).toBe(fresh.id(i));
    }
  });

  it('grows past its first slots and keeps numbering right', () => {
    const answer = new AnswerIndex();
    for (let round = 0; round < 3; round++) {
      answer.clear();
      for (let i = 0; i < 5000; i++) {
        const slot = (i * 7 + round) % 5000;
        expect(answer.intern(slot, `item-${slot}`)).toBe(i);
      }
      expect(answer.size).toBe(5000);
      expect(answer.id(0)).toBe(`item-${round}`);
    }
  });
});
