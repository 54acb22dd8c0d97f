/**
 * base^exponent per item, computed on first read and kept until the item's base changes
 * (`invalidate`) or every base does (`invalidateAll`, after a decay renormalisation). A cache of a
 * pure function of the state: reading through it gives exactly what computing afresh would.
 */
export class PowerCache {
  private values = new Float64Array(256);
  private valid = new Uint8Array(256);
  private exponent = Number.NaN;

  get(item: number, base: number, exponent: number): number {
    if (exponent !== this.exponent) {
      this.exponent = exponent;
      this.valid.fill(0);
    }
    if (item >= this.valid.length) this.grow(item + 1);
    if (this.valid[item] === 1) return this.values[item]!;
    const value = base ** exponent;
    this.values[item] = value;
    this.valid[item] = 1;
    return value;
  }

  invalidate(item: number): void {
    if (item < this.valid.length) this.valid[item] = 0;
  }

  invalidateAll(): void {
    this.valid.fill(0);
  }

  private grow(length: number): void {
    let capacity = this.valid.length;
    while (capacity < length) capacity *= 2;
    const values = new Float64Array(capacity);
    values.set(this.values);
    const valid = new Uint8Array(capacity);
    valid.set(this.valid);
    this.values = values;
    this.valid = valid;
  }
}
