/** Words that say nothing about a product or a film. */
const STOP_WORDS = new Set([
  'a',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'by',
  'for',
  'from',
  'in',
  'into',
  'is',
  'it',
  'its',
  'of',
  'on',
  'or',
  'the',
  'to',
  'with',
  'without',
  'de',
  'la',
  'le',
  'les',
  'des',
  'du',
  'et',
]);

/**
 * The terms of a description: lower case, split on anything that is not a letter or a digit, stop
 * words and one-character tokens dropped, a plural `s` taken off (HEARTS and HEART are one term).
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (raw.length < 2 || STOP_WORDS.has(raw)) continue;
    out.push(raw.length > 3 && raw.endsWith('s') && !raw.endsWith('ss') ? raw.slice(0, -1) : raw);
  }
  return out;
}
