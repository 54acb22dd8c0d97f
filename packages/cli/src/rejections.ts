import type { Rejection } from '@pulse/collector';

/**
 * Counts refused events by their first problem, with list positions folded
 * (`products[3]` → `products[*]`) so that one cause is one line. An event
 * refused again (a client retrying a request it got no answer to) counts
 * once, recognised by its messageId.
 */
export class RejectionTally {
  readonly counts = new Map<string, number>();
  readonly examples = new Map<string, string>();
  private readonly seen = new Set<string>();
  total = 0;

  add(rejections: Rejection[]): void {
    const firstPerEvent = new Map<number | null, Rejection>();
    for (const r of rejections) if (!firstPerEvent.has(r.index)) firstPerEvent.set(r.index, r);
    for (const r of firstPerEvent.values()) {
      if (r.messageId !== undefined) {
        if (this.seen.has(r.messageId)) continue;
        this.seen.add(r.messageId);
      }
      this.count(`${r.field.replace(/\[\d+\]/g, '[*]') || '(event)'}: ${r.code}`, r.reason);
    }
  }

  count(key: string, example: string, n = 1): void {
    this.total += n;
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
    if (!this.examples.has(key)) this.examples.set(key, example);
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort((a, b) => b[1] - a[1]));
  }
}
