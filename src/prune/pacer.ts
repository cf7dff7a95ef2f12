/**
 * Paces deletions evenly under GitHub's secondary rate limit: 900 points a minute per endpoint and 5
 * points a DELETE make 180 a minute, so one DELETE at a time, at least 334 ms apart, from the first
 * on. A limit answer (403/429 with `retry-after`, or `x-ratelimit-remaining: 0`) is waited out as
 * told, and the pace is halved for the rest of the run.
 */
import { sleep } from '../common/sleep.js';

export interface PacerOptions {
  /** Milliseconds between the starts of two writes (default 334). */
  intervalMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const DELETES_PER_MINUTE = 900 / 5;
export const INTERVAL_MS = Math.ceil(60_000 / DELETES_PER_MINUTE);

export interface PaceReport {
  /** Spacing in force at the end of the run, ms between writes. */
  intervalMs: number;
  /** Writes paced. */
  writes: number;
  /** Time spent spacing writes, ms. */
  spacingMs: number;
  /** Limit answers met, and the time waited after them, ms. */
  limitAnswers: number;
  limitWaitMs: number;
}

export class Pacer {
  intervalMs: number;
  writes = 0;
  spacingMs = 0;
  limitAnswers = 0;
  limitWaitMs = 0;
  private last?: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(opts: PacerOptions = {}) {
    this.intervalMs = opts.intervalMs ?? INTERVAL_MS;
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? sleep;
  }

  /** Waits until the next write is due, then counts it. */
  async take(): Promise<void> {
    if (this.last !== undefined && this.intervalMs > 0) {
      const wait = this.last + this.intervalMs - this.now();
      if (wait > 0) {
        this.spacingMs += wait;
        await this.sleep(wait);
      }
    }
    this.last = this.now();
    this.writes++;
  }

  /** After a limit answer: waits as told, then halves the pace (doubles the spacing). */
  async limited(waitMs: number): Promise<void> {
    this.limitAnswers++;
    this.intervalMs = Math.max(this.intervalMs * 2, INTERVAL_MS);
    const wait = Math.max(0, Math.ceil(waitMs));
    this.limitWaitMs += wait;
    if (wait) await this.sleep(wait);
    this.last = this.now();
  }

  report(): PaceReport {
    const { intervalMs, writes, spacingMs, limitAnswers, limitWaitMs } = this;
    return { intervalMs, writes, spacingMs, limitAnswers, limitWaitMs };
  }
}

/** A pacer that never spaces writes (benchmarks of planning, tests); limit answers still wait. */
export const unpaced = (opts: Omit<PacerOptions, 'intervalMs'> = {}): Pacer =>
  new Pacer({ ...opts, intervalMs: 0 });
