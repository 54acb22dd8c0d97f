import { describe, expect, it } from 'vitest';
import { consentDenies, consentPreference } from './consent.js';

describe('consentPreference', () => {
  it("reads Segment's categoryPreferences, the category in any case", () => {
    const context = { consent: { categoryPreferences: { Advertising: false, Analytics: true } } };
    expect(consentPreference(context, 'advertising')).toBe(false);
    expect(consentPreference(context, 'ANALYTICS')).toBe(true);
    expect(consentPreference(context, 'personalization')).toBeUndefined();
    expect(consentDenies(context, 'Advertising')).toBe(true);
    expect(consentDenies(context, 'analytics')).toBe(false);
  });

  it('a refusal wins over a grant in other case; non-boolean values and odd shapes state nothing', () => {
    expect(consentPreference({ consent: { categoryPreferences: { Ads: true, ads: false } } }, 'ads')).toBe(
      false,
    );
    expect(consentPreference({ consent: { categoryPreferences: { ads: 'false' } } }, 'ads')).toBeUndefined();
    expect(consentPreference({ consent: { categoryPreferences: [false] } }, '0')).toBeUndefined();
    expect(consentPreference({ consent: 'yes' }, 'ads')).toBeUndefined();
    expect(consentPreference(undefined, 'ads')).toBeUndefined();
    expect(consentDenies({}, 'ads')).toBe(false);
  });
});
