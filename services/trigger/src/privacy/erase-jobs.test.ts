import { describe, expect, it } from 'vitest';
import { occasionJobId } from '../execution/jobs.js';
import { jobIdNames } from './erase-jobs.js';
import { globEscape } from './redis-scan.js';

describe('jobIdNames', () => {
  it("finds the person's part of occasion job ids, ids with dots and odd characters too", () => {
    const person = 'ada.lovelace@example.com';
    expect(jobIdNames(occasionJobId('cart-reminder', person, 'o-1'), person)).toBe(true);
    expect(jobIdNames(occasionJobId('welcome', 'user 42/7', '2024-05-01'), 'user 42/7')).toBe(true);
    expect(jobIdNames(occasionJobId('welcome', 'ada', 'x'), 'ada.lovelace@example.com')).toBe(false);
    expect(jobIdNames(occasionJobId('welcome', 'bob', 'ada'), 'ada')).toBe(false);
    expect(jobIdNames('no-dots', 'ada')).toBe(false);
  });
});

describe('globEscape', () => {
  it('escapes the characters SCAN patterns give a meaning to', () => {
    expect(globEscape('a*b?c[d]e\\f')).toBe('a\\*b\\?c\\[d\\]e\\\\f');
    expect(globEscape('plain-id_1.x@y')).toBe('plain-id_1.x@y');
  });
});
