import { parseUkDateTimeMs } from './uk-time.js';

/** The columns of the Online Retail CSV, in file order. */
export const RETAIL_COLUMNS = [
  'InvoiceNo',
  'StockCode',
  'Description',
  'Quantity',
  'InvoiceDate',
  'UnitPrice',
  'CustomerID',
  'Country',
] as const;

/**
 * Why a row could not be read as it should. The reason is a stable snake_case code: it becomes the
 * `not_sent` reason when the row is mapped.
 */
export type RetailProblemReason =
  | 'wrong_column_count'
  | 'missing_invoice_no'
  | 'missing_stock_code'
  | 'invalid_quantity'
  | 'invalid_invoice_date'
  | 'invalid_unit_price';

export interface RetailProblem {
  reason: RetailProblemReason;
  /** The text as found in the file. */
  raw: string;
}

/**
 * One invoice line. Rows that cannot be fully read are still yielded, never thrown and never
 * skipped: their `problems` say what is wrong, and the unreadable fields hold NaN / an Invalid Date,
 * so a consumer that ignores `problems` gets values that poison arithmetic instead of plausible lies.
 */
export interface RetailLine {
  /** 1-based data row number (the header is not counted). */
  line: number;
  invoiceNo: string;
  stockCode: string;
  description: string;
  quantity: number;
  /** The file's UK wall-clock time (GMT/BST) as the correct UTC instant. */
  invoiceDate: Date;
  unitPrice: number;
  /** '17850'; null when the row has none (guest checkout). Never '17850.0'. */
  customerId: string | null;
  country: string;
  /** Empty for a clean row. */
  problems: readonly RetailProblem[];
}

/** Shared by every clean row, so half a million rows do not allocate half a million empty arrays. */
const NO_PROBLEMS: readonly RetailProblem[] = Object.freeze([]);

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?(?:\d+\.?\d*|\.\d+)$/;
/** Some exports of this data set wrote CustomerID as a float ('17850.0'). */
const FLOAT_ID = /^(\d+)\.0*$/;

/** Turns one CSV record (already split into fields) into a RetailLine. */
export function parseRetailRecord(fields: readonly string[], line: number): RetailLine {
  const problems: RetailProblem[] = [];
  if (fields.length !== RETAIL_COLUMNS.length) {
    problems.push({ reason: 'wrong_column_count', raw: fields.join(',') });
  }
  const field = (index: number): string => (fields[index] ?? '').trim();

  const invoiceNo = field(0);
  if (invoiceNo === '') problems.push({ reason: 'missing_invoice_no', raw: fields[0] ?? '' });
  const stockCode = field(1);
  if (stockCode === '') problems.push({ reason: 'missing_stock_code', raw: fields[1] ?? '' });

  const quantityText = field(3);
  const quantity = INTEGER.test(quantityText) ? Number(quantityText) : Number.NaN;
  if (Number.isNaN(quantity)) problems.push({ reason: 'invalid_quantity', raw: quantityText });

  const dateText = field(4);
  const invoiceDate = new Date(parseUkDateTimeMs(dateText));
  if (Number.isNaN(invoiceDate.getTime())) problems.push({ reason: 'invalid_invoice_date', raw: dateText });

  const priceText = field(5);
  const unitPrice = DECIMAL.test(priceText) ? Number(priceText) : Number.NaN;
  if (Number.isNaN(unitPrice)) problems.push({ reason: 'invalid_unit_price', raw: priceText });

  const customerText = field(6);
  const customerId = customerText === '' ? null : (FLOAT_ID.exec(customerText)?.[1] ?? customerText);

  return {
    line,
    invoiceNo,
    stockCode,
    description: field(2),
    quantity,
    invoiceDate,
    unitPrice,
    customerId,
    country: field(7),
    problems: problems.length === 0 ? NO_PROBLEMS : problems,
  };
}
