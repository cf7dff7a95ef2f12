import { budgetAllows, RESERVE } from '../../../src/prune/executor.js';
import { DELETES_PER_MINUTE, INTERVAL_MS, Pacer, unpaced } from '../../../src/prune/pacer.js';

function clock() {
  let now = 0;
  const waits: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      waits.push(ms);
      now += ms;
    },
    advance: (ms: number) => (now += ms),
    waits
  };
}

describe('Pacer', () => {
  test("GitHub's secondary limit: 900 points a minute at 5 a DELETE, so 334 ms apart", () => {
    expect(DELETES_PER_MINUTE).toBe(180);
    expect(INTERVAL_MS).toBe(334);
    expect(Math.floor(60_000 / INTERVAL_MS) + 1).toBeLessThanOrEqual(DELETES_PER_MINUTE);
  });

  test('evenly spaced from the first write on; time spent in the request counts', async () => {
    const c = clock();
    const pacer = new Pacer({ now: c.now, sleep: c.sleep });
    await pacer.take();
    c.advance(100);
    await pacer.take();
    c.advance(400);
    await pacer.take();
    await pacer.take();
    expect(c.waits).toEqual([234, 334]);
    expect(pacer.report()).toEqual({
      intervalMs: 334,
      writes: 4,
      spacingMs: 568,
      limitAnswers: 0,
      limitWaitMs: 0
    });
  });

  test('85 writes take 84 intervals: 28.1 s', async () => {
    const c = clock();
    const pacer = new Pacer({ now: c.now, sleep: c.sleep });
    for (let i = 0; i < 85; i++) await pacer.take();
    expect(c.now()).toBe(84 * 334);
  });

  test('a limit answer is waited out as told, then the pace is halved, each time', async () => {
    const c = clock();
    const pacer = new Pacer({ now: c.now, sleep: c.sleep });
    await pacer.take();
    await pacer.limited(30_000);
    await pacer.take();
    await pacer.take();
    await pacer.limited(1_500);
    await pacer.take();
    expect(c.waits).toEqual([30_000, 668, 668, 1_500, 1_336]);
    expect(pacer.report()).toEqual({
      intervalMs: 1_336,
      writes: 4,
      spacingMs: 2_672,
      limitAnswers: 2,
      limitWaitMs: 31_500
    });
  });

  test('unpaced never spaces, but a limit answer still waits and paces from then on', async () => {
    const c = clock();
    const pacer = unpaced({ now: c.now, sleep: c.sleep });
    await pacer.take();
    await pacer.take();
    await pacer.limited(2_000);
    await pacer.take();
    expect(c.waits).toEqual([2_000, 334]);
  });
});

describe('budgetAllows', () => {
  test.each([
    [{}, 0, true],
    [{ remaining: 1 + 1 + RESERVE - 1 }, 0, false],
    [{ remaining: 1 + 1 + RESERVE }, 0, true],
    [{ remaining: 20 }, 15, true],
    [{ remaining: 20 }, 16, false]
  ])('%j with %i deleted: %s', (rate, deleted, allowed) => expect(budgetAllows(rate, deleted)).toBe(allowed));
});
