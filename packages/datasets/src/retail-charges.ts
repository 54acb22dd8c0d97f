/**
 * Stock codes of the Online Retail data that are not products but charges or bookkeeping on the
 * invoice. Found by listing every code that is not the usual 5 digits (+ letters) and reading its
 * descriptions; see the package README for counts. Codes that look odd but name real goods stay
 * products: PADS ('PADS TO MATCH ALL CUSHIONS'), gift_0001_* (gift vouchers sold), DCGS* (goods sold
 * through the dotcom shop or eBay).
 */
export type ChargeKind = 'shipping' | 'discount' | 'fees' | 'adjustments';

const CHARGE_KINDS: ReadonlyMap<string, ChargeKind> = new Map<string, ChargeKind>([
  ['POST', 'shipping'], // POSTAGE
  ['DOT', 'shipping'], // DOTCOM POSTAGE
  ['C2', 'shipping'], // CARRIAGE
  ['D', 'discount'], // Discount
  ['BANK CHARGES', 'fees'],
  ['AMAZONFEE', 'fees'], // AMAZON FEE
  ['CRUK', 'fees'], // CRUK Commission
  ['M', 'adjustments'], // Manual
  ['m', 'adjustments'], // Manual, lower case once
  ['S', 'adjustments'], // SAMPLES
  ['B', 'adjustments'], // Adjust bad debt
]);

/** The charge a stock code stands for, or null when it is a product. */
export function chargeKindOf(stockCode: string): ChargeKind | null {
  return CHARGE_KINDS.get(stockCode) ?? null;
}
