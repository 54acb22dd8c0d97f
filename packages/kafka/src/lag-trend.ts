/** A consumer group's totals on one topic at one moment. */
export interface LagSample {
  at: number;
  /** Records between the committed offsets and the high watermarks, all partitions. */
  lag: number;
  /** Sum of the committed offsets: it moves whenever the group commits anything. */
  committed: number;
}

export type LagVerdict =
  | { state: 'ok' }
  /** Lag rose at every measurement for the whole window: the consumer takes less than arrives. */
  | { state: 'growing'; from: number; to: number; seconds: number }
  /** Records wait and nothing was committed for the whole window. */
  | { state: 'stuck'; lag: number; seconds: number };

/**
 * Judges whether a consumer keeps up from successive lag measurements. A
 * single high reading is normal (ingest commits once per batch); what is not
 * is lag that only rises for a whole window, or records that wait while the
 * group commits nothing for a whole window.
 */
export class LagTrend {
  private samples: LagSample[] = [];

  constructor(private readonly windowMs: number) {}

  add(sample: LagSample): void {
    this.samples.push(sample);
    // Keep the newest sample at or before the window's start: it anchors the comparison.
    const start = sample.at - this.windowMs;
    let anchor = 0;
    for (let i = 0; i < this.samples.length; i++) if (this.samples[i]!.at <= start) anchor = i;
    if (anchor > 0) this.samples = this.samples.slice(anchor);
  }

  verdict(): LagVerdict {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || this.samples.length < 2 || last.at - first.at < this.windowMs)
      return { state: 'ok' };
    const seconds = Math.round((last.at - first.at) / 1000);
    if (this.samples.every((s) => s.lag > 0 && s.committed === first.committed)) {
      return { state: 'stuck', lag: last.lag, seconds };
    }
    let rising = last.lag > first.lag;
    for (let i = 1; i < this.samples.length && rising; i++) {
      if (this.samples[i]!.lag < this.samples[i - 1]!.lag) rising = false;
    }
    return rising ? { state: 'growing', from: first.lag, to: last.lag, seconds } : { state: 'ok' };
  }
}
