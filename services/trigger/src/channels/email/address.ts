/**
 * An address `local@domain` with nothing that could end a header line or an
 * SMTP command (no spaces, CR, LF, angle brackets, commas or quotes): what
 * reaches `RCPT TO:<...>` and the To header can never inject a second one.
 */
export const EMAIL_ADDRESS = /^[^\s\p{Cc}@<>(),;:"\\[\]]{1,64}@[^\s\p{Cc}@<>(),;:"\\[\]]{1,190}$/u;

/** The person's address from their traits (`email`, as Segment's identify spec names it), if it is one. */
export function emailOf(traits: Record<string, unknown>): string | undefined {
  const email = traits['email'];
  if (typeof email !== 'string') return undefined;
  const trimmed = email.trim();
  return EMAIL_ADDRESS.test(trimmed) ? trimmed : undefined;
}
