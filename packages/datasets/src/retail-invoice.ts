import { microsToPounds, toMicros } from './money.js';
import { type ChargeKind, chargeKindOf } from './retail-charges.js';
import type { RetailLine } from './retail-line.js';
import type { SegmentIdentity, SegmentTrackCall } from './segment-call.js';

/** A product of an Order Completed / Order Refunded, in Segment's e-commerce spec names. */
export interface RetailProduct {
  product_id: string;
  sku: string;
  /** Left out when the row's Description is empty. */
  name?: string;
  price: number;
  /** Units bought; for a refund, units refunded (the file's negative quantity, negated). */
  quantity: number;
}

/** An invoice being collected from its lines: only what the call needs, never the raw rows. */
export interface InvoiceDraft {
  invoiceNo: string;
  /** `C` invoices are cancellations: they become Order Refunded. */
  refund: boolean;
  customerId: string | null;
  country: string;
  /** Earliest line time: 43 invoices have lines a minute apart. */
  timestampMs: number;
  products: RetailProduct[];
  /** Sum of quantity * price of the product lines, in micro-pounds. */
  productMicros: number;
  /** Sum of quantity * price per kind of non-product line, in micro-pounds. */
  charges: Map<ChargeKind, number>;
  lines: number[];
}

export function startInvoice(first: RetailLine): InvoiceDraft {
  const draft: InvoiceDraft = {
    invoiceNo: first.invoiceNo,
    refund: first.invoiceNo.startsWith('C'),
    customerId: first.customerId,
    country: first.country,
    timestampMs: first.invoiceDate.getTime(),
    products: [],
    productMicros: 0,
    charges: new Map(),
    lines: [],
  };
  addInvoiceLine(draft, first);
  return draft;
}

/**
 * Adds a line as it is: negative quantities on orders, zero or negative prices and duplicate rows
 * are kept, because judging them is the collector's job, not the replay's.
 */
export function addInvoiceLine(draft: InvoiceDraft, line: RetailLine): void {
  draft.lines.push(line.line);
  draft.timestampMs = Math.min(draft.timestampMs, line.invoiceDate.getTime());
  const micros = line.quantity * toMicros(line.unitPrice);
  const kind = chargeKindOf(line.stockCode);
  if (kind) {
    draft.charges.set(kind, (draft.charges.get(kind) ?? 0) + micros);
    return;
  }
  draft.productMicros += micros;
  draft.products.push({
    product_id: line.stockCode,
    sku: line.stockCode,
    ...(line.description === '' ? {} : { name: line.description }),
    price: line.unitPrice,
    quantity: draft.refund ? -line.quantity : line.quantity,
  });
}

const CHARGE_ORDER: readonly ChargeKind[] = ['shipping', 'discount', 'fees', 'adjustments'];

/**
 * The invoice as one track call. Charge amounts are positive in the direction of the event: on an
 * order, what was charged (discount: what was taken off); on a refund, what was credited back.
 */
export function invoiceCall(draft: InvoiceDraft): SegmentTrackCall {
  const identity: SegmentIdentity =
    draft.customerId === null ? { anonymousId: `guest-${draft.invoiceNo}` } : { userId: draft.customerId };
  const sign = draft.refund ? -1 : 1;
  const properties: Record<string, unknown> = { order_id: draft.invoiceNo, products: draft.products };
  if (!draft.refund) properties['revenue'] = microsToPounds(draft.productMicros);
  let totalMicros = draft.productMicros;
  for (const kind of CHARGE_ORDER) {
    const micros = draft.charges.get(kind);
    if (micros === undefined) continue;
    totalMicros += micros;
    // A discount line is a negative amount on an order and a credit on a refund: positive both ways.
    properties[kind] = microsToPounds(kind === 'discount' ? -micros : sign * micros);
  }
  properties['total'] = microsToPounds(sign * totalMicros);
  properties['currency'] = 'GBP';
  return {
    ...identity,
    type: 'track',
    event: draft.refund ? 'Order Refunded' : 'Order Completed',
    properties,
    timestamp: new Date(draft.timestampMs),
    messageId: `${draft.refund ? 'retail-refund' : 'retail-order'}-${draft.invoiceNo}`,
  };
}
