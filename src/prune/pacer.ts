/**
 * Paces deletions under GitHub's secondary rate limit: 900 points a minute and 5 points a DELETE,
 * so at most 180 deletions in any 60 s window. Short runs are not slowed at all.
 */

export interface PacerOptions {
  /** Deletions allowed per window (default 180). */
  limit?: number;
  windowMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const DELETES_PER_MINUTE = 900 / 5;

export class Pacer {
  private readonly stamps: number[] = [];
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Milliseconds spent waiting. */
  waited = 0;

  constructor(opts: PacerOptions = {}) {
    this.limit = opts.limit ?? DELETES_PER_MINUTE;
    this.windowMs = opts.windowMs ?? 60_000;
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
  }

  /** Waits until one more deletion fits in the window, then counts it. */
  async take(): Promise<void> {
    if (!Number.isFinite(this.limit)) return;
    for (;;) {
      const now = this.now();
      while (this.stamps.length && this.stamps[0] <= now - this.windowMs) this.stamps.shift();
      if (this.stamps.length < this.limit) {
        this.stamps.push(now);
        return;
      }
      const wait = this.stamps[0] + this.windowMs - now;
      this.waited += wait;
      await this.sleep(wait);
    }
  }
}

/** A pacer that never waits (benchmarks, tests). */
export const unpaced = (): Pacer => new Pacer({ limit: Infinity });
