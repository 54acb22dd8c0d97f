import { describe, expect, it } from 'vitest';
import { parseRetailRecord } from './retail-line.js';

const row = (overrides: Partial<Record<number, string>> = {}): string[] => {
  const fields = [
    '536365',
    '85123A',
    'WHITE HANGING HEART T-LIGHT HOLDER',
    '6',
    '2010-12-01 08:26:00',
    '2.55',
    '17850',
    'United Kingdom',
  ];
  for (const [index, value] of Object.entries(overrides)) fields[Number(index)] = value ?? '';
  return fields;
};

describe('parseRetailRecord', () => {
  it('reads a clean row', () => {
    const line = parseRetailRecord(row(), 1);
    expect(line).toEqual({
      line: 1,
      invoiceNo: '536365',
      stockCode: '85123A',
      description: 'WHITE HANGING HEART T-LIGHT HOLDER',
      quantity: 6,
      invoiceDate: new Date('2010-12-01T08:26:00.000Z'),
      unitPrice: 2.55,
      customerId: '17850',
      country: 'United Kingdom',
      problems: [],
    });
  });

  it('turns an empty CustomerID into null and drops a float suffix', () => {
    expect(parseRetailRecord(row({ 6: '' }), 1).customerId).toBeNull();
    expect(parseRetailRecord(row({ 6: '17850.0' }), 1).customerId).toBe('17850');
  });

  it('keeps negative quantities and prices, trims descriptions', () => {
    const line = parseRetailRecord(row({ 2: ' damaged ', 3: '-12', 5: '-11062.06' }), 1);
    expect([line.description, line.quantity, line.unitPrice, line.problems]).toEqual([
      'damaged',
      -12,
      -11062.06,
      [],
    ]);
  });

  it('yields unreadable fields as problems with NaN / Invalid Date instead of throwing', () => {
    const line = parseRetailRecord(row({ 3: '6.5', 4: '2011-02-30 10:00:00', 5: 'abc', 0: '' }), 7);
    expect(line.problems.map((p) => p.reason)).toEqual([
      'missing_invoice_no',
      'invalid_quantity',
      'invalid_invoice_date',
      'invalid_unit_price',
    ]);
    expect(line.problems[2]?.raw).toBe('2011-02-30 10:00:00');
    expect(Number.isNaN(line.quantity)).toBe(true);
    expect(Number.isNaN(line.invoiceDate.getTime())).toBe(true);
    expect(Number.isNaN(line.unitPrice)).toBe(true);
  });

  it('flags a row with the wrong number of columns', () => {
    const line = parseRetailRecord(['536365', '85123A'], 3);
    expect(line.problems.map((p) => p.reason)).toEqual([
      'wrong_column_count',
      'invalid_quantity',
      'invalid_invoice_date',
      'invalid_unit_price',
    ]);
  });
});
