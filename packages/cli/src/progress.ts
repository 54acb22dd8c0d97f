/**
 * One status line redrawn in place on a terminal (a plain line every few
 * seconds otherwise, so CI logs stay readable).
 */
export class Progress {
  private readonly started = performance.now();
  private lastDraw = 0;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {}

  update(done: number, extra = ''): void {
    const now = performance.now();
    if (now - this.lastDraw < (this.tty ? 100 : 5000) && done < this.total) return;
    this.lastDraw = now;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    const fraction = this.total > 0 ? Math.min(1, done / this.total) : 0;
    const width = 30;
    const filled = Math.round(fraction * width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    const line = `${this.label} [${bar}] ${done}/${this.total} ${(fraction * 100).toFixed(0)}% ${rate} events/s ${extra}`;
    if (this.tty) process.stderr.write(`\r${line.padEnd(110)}`);
    else process.stderr.write(`${line}\n`);
  }

  done(): void {
    if (this.tty) process.stderr.write('\n');
  }
}
