import { addInvoiceLine, type InvoiceDraft, invoiceCall, startInvoice } from './retail-invoice.js';
import type { RetailLine } from './retail-line.js';
import type { SegmentCall, SegmentIdentifyCall } from './segment-call.js';

/**
 * What became of source rows: a call carrying them (an identify carries none), or rows that on
 * purpose do not become an event, with a stable snake_case reason. Every row is in exactly one item.
 */
export type RetailItem =
  | { kind: 'call'; call: SegmentCall; lines: number[] }
  | { kind: 'not_sent'; reason: string; lines: number[] };

/**
 * Turns invoice lines into Segment calls for a replay, in timestamp order. The whole input is read
 * before the first call comes out: sorting needs it, and the invoice lines are not always contiguous
 * (invoice 542806 is interrupted by C542805). Only the calls in the making are kept (about 26k
 * invoices), not the rows. `not_sent` items come first, in row order; then the calls sorted by time,
 * each customer's identify just before their first call.
 */
export async function* mapOnlineRetail(lines: AsyncIterable<RetailLine>): AsyncGenerator<RetailItem> {
  const invoices = new Map<string, InvoiceDraft>();
  const notSent: RetailItem[] = [];
  for await (const line of lines) {
    const problem = line.problems[0];
    if (problem) {
      // Without a readable invoice, product, quantity, price or time there is nothing honest to send.
      notSent.push({ kind: 'not_sent', reason: problem.reason, lines: [line.line] });
      continue;
    }
    const draft = invoices.get(line.invoiceNo);
    if (!draft) {
      invoices.set(line.invoiceNo, startInvoice(line));
    } else if (draft.customerId !== line.customerId) {
      // Never seen in the data; folding the row in would hand one customer's purchase to another.
      notSent.push({ kind: 'not_sent', reason: 'invoice_customer_mismatch', lines: [line.line] });
    } else {
      addInvoiceLine(draft, line);
    }
  }
  yield* notSent;

  // Array.prototype.sort is stable: equal times keep the order of first appearance in the file.
  const ordered = [...invoices.values()].sort((a, b) => a.timestampMs - b.timestampMs);
  invoices.clear();
  const identified = new Set<string>();
  for (const draft of ordered) {
    if (draft.customerId !== null && !identified.has(draft.customerId)) {
      identified.add(draft.customerId);
      yield { kind: 'call', call: identifyCall(draft.customerId, draft), lines: [] };
    }
    yield { kind: 'call', call: invoiceCall(draft), lines: draft.lines };
  }
}

/** Sent once per customer, at the time of (and just before) their first order or refund. */
function identifyCall(userId: string, first: InvoiceDraft): SegmentIdentifyCall {
  return {
    type: 'identify',
    userId,
    traits: { country: first.country },
    timestamp: new Date(first.timestampMs),
    messageId: `retail-identify-${userId}`,
  };
}
