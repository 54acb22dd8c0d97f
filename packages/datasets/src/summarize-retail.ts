import { chargeKindOf } from './retail-charges.js';
import type { RetailLine } from './retail-line.js';

/** Measured facts about the Online Retail rows: what the README's quirk table reports. */
export interface RetailSummary {
  rows: number;
  /** Rows with at least one problem; they count here and in `problems`, nowhere else. */
  rowsWithProblems: number;
  problems: Record<string, number>;
  invoices: number;
  /** `C` invoices. */
  refunds: number;
  refundRows: number;
  /** Non-`C` invoices without CustomerID. */
  guestOrders: number;
  guestRefunds: number;
  rowsWithoutCustomer: number;
  customers: number;
  /** Customers whose invoices name more than one country. */
  customersInSeveralCountries: number;
  /** Customers whose first invoice (by time) is a refund. */
  customersFirstSeenRefunding: number;
  emptyDescriptionRows: number;
  negativeQuantityRows: number;
  /** Negative quantity on a non-`C` invoice: stock adjustments. */
  negativeQtyNonRefundRows: number;
  positiveQtyRefundRows: number;
  zeroQuantityRows: number;
  negativePriceRows: number;
  zeroPriceRows: number;
  /** Rows per non-product stock code. */
  nonProductLines: Record<string, number>;
  /** Invoices made only of non-product lines, and how many of them are refunds. */
  chargeOnlyInvoices: number;
  chargeOnlyRefunds: number;
  /** Rows equal to an earlier row of the same invoice in stock code, quantity, price and date. */
  duplicateRows: number;
  /** Times an invoice's lines resume after another invoice's lines. */
  reopenedInvoices: number;
  /** Invoices whose lines carry more than one InvoiceDate. */
  multiTimestampInvoices: number;
  /** Rows whose CustomerID differs from the rest of their invoice. */
  customerMismatchRows: number;
}

interface InvoiceFacts {
  refund: boolean;
  customerId: string | null;
  firstMs: number;
  severalTimes: boolean;
  chargesOnly: boolean;
  /** stock code, quantity, price, time of each line: finds duplicate rows. */
  lineKeys: Set<string>;
}

/** Counts facts row by row; only per-invoice and per-customer state is kept. */
export class RetailTally {
  private readonly counts = {
    rows: 0,
    rowsWithProblems: 0,
    refundRows: 0,
    rowsWithoutCustomer: 0,
    emptyDescriptionRows: 0,
    negativeQuantityRows: 0,
    negativeQtyNonRefundRows: 0,
    positiveQtyRefundRows: 0,
    zeroQuantityRows: 0,
    negativePriceRows: 0,
    zeroPriceRows: 0,
    duplicateRows: 0,
    reopenedInvoices: 0,
    customerMismatchRows: 0,
  };
  private readonly problems: Record<string, number> = {};
  private readonly nonProductLines: Record<string, number> = {};
  private readonly invoices = new Map<string, InvoiceFacts>();
  private readonly countries = new Map<string, Set<string>>();
  private lastInvoiceNo: string | null = null;

  add(line: RetailLine): void {
    const c = this.counts;
    c.rows += 1;
    if (line.problems.length > 0) {
      c.rowsWithProblems += 1;
      for (const { reason } of line.problems) this.problems[reason] = (this.problems[reason] ?? 0) + 1;
      return;
    }
    const refund = line.invoiceNo.startsWith('C');
    if (refund) c.refundRows += 1;
    if (line.customerId === null) c.rowsWithoutCustomer += 1;
    else this.countriesOf(line.customerId).add(line.country);
    if (line.description === '') c.emptyDescriptionRows += 1;
    if (line.quantity < 0) c.negativeQuantityRows += 1;
    if (line.quantity < 0 && !refund) c.negativeQtyNonRefundRows += 1;
    if (line.quantity > 0 && refund) c.positiveQtyRefundRows += 1;
    if (line.quantity === 0) c.zeroQuantityRows += 1;
    if (line.unitPrice < 0) c.negativePriceRows += 1;
    if (line.unitPrice === 0) c.zeroPriceRows += 1;
    const charge = chargeKindOf(line.stockCode) !== null;
    if (charge) this.nonProductLines[line.stockCode] = (this.nonProductLines[line.stockCode] ?? 0) + 1;

    const time = line.invoiceDate.getTime();
    const key = `${line.stockCode}\u0000${line.quantity}\u0000${line.unitPrice}\u0000${time}`;
    const facts = this.invoices.get(line.invoiceNo);
    if (!facts) {
      this.invoices.set(line.invoiceNo, {
        refund,
        customerId: line.customerId,
        firstMs: time,
        severalTimes: false,
        chargesOnly: charge,
        lineKeys: new Set([key]),
      });
    } else {
      if (this.lastInvoiceNo !== line.invoiceNo) c.reopenedInvoices += 1;
      if (facts.customerId !== line.customerId) c.customerMismatchRows += 1;
      if (time !== facts.firstMs) facts.severalTimes = true;
      facts.firstMs = Math.min(facts.firstMs, time);
      facts.chargesOnly &&= charge;
      if (facts.lineKeys.has(key)) c.duplicateRows += 1;
      else facts.lineKeys.add(key);
    }
    this.lastInvoiceNo = line.invoiceNo;
  }

  summary(): RetailSummary {
    const invoices = [...this.invoices.values()];
    const count = (test: (facts: InvoiceFacts) => boolean): number => invoices.filter(test).length;
    const firstInvoice = new Map<string, InvoiceFacts>();
    for (const facts of invoices) {
      if (facts.customerId === null) continue;
      const seen = firstInvoice.get(facts.customerId);
      if (!seen || facts.firstMs < seen.firstMs) firstInvoice.set(facts.customerId, facts);
    }
    return {
      ...this.counts,
      problems: { ...this.problems },
      invoices: invoices.length,
      refunds: count((f) => f.refund),
      guestOrders: count((f) => !f.refund && f.customerId === null),
      guestRefunds: count((f) => f.refund && f.customerId === null),
      customers: this.countries.size,
      customersInSeveralCountries: [...this.countries.values()].filter((set) => set.size > 1).length,
      customersFirstSeenRefunding: [...firstInvoice.values()].filter((f) => f.refund).length,
      nonProductLines: { ...this.nonProductLines },
      chargeOnlyInvoices: count((f) => f.chargesOnly),
      chargeOnlyRefunds: count((f) => f.chargesOnly && f.refund),
      multiTimestampInvoices: count((f) => f.severalTimes),
    };
  }

  private countriesOf(customerId: string): Set<string> {
    let set = this.countries.get(customerId);
    if (!set) {
      set = new Set();
      this.countries.set(customerId, set);
    }
    return set;
  }
}

export async function summarizeRetail(lines: AsyncIterable<RetailLine>): Promise<RetailSummary> {
  const tally = new RetailTally();
  for await (const line of lines) tally.add(line);
  return tally.summary();
}
