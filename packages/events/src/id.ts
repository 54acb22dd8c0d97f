import { randomUUID } from 'node:crypto';

/** Message id for events whose client sent none; the prefix tells them apart from client ids. */
export function generateId(): string {
  return 'pulse-' + randomUUID();
}
