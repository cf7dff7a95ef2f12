import { budgetAllows, RESERVE } from '../../../src/prune/executor.js';
import { DELETES_PER_MINUTE, Pacer } from '../../../src/prune/pacer.js';

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
  test('GitHub secondary limit: 900 points a minute at 5 a DELETE', () => {
    expect(DELETES_PER_MINUTE).toBe(180);
  });

  test('up to the limit at once, then waits for the oldest to leave the window', async () => {
    const c = clock();
    const pacer = new Pacer({ limit: 3, windowMs: 1000, now: c.now, sleep: c.sleep });
    for (let i = 0; i < 3; i++) {
      await pacer.take();
      c.advance(100);
    }
    expect(c.waits).toEqual([]);
    await pacer.take();
    expect(c.waits).toEqual([700]);
    await pacer.take();
    expect(c.waits).toEqual([700, 100]);
    expect(pacer.waited).toBe(800);
  });

  test('180 deletions in a minute, the 181st waits', async () => {
    const c = clock();
    const pacer = new Pacer({ now: c.now, sleep: c.sleep });
    for (let i = 0; i < 181; i++) {
      await pacer.take();
      c.advance(10);
    }
    expect(c.waits).toEqual([60_000 - 1800]);
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
