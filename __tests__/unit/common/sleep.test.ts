import { errorMessage } from '../../../src/common/errors.js';
import { sleep } from '../../../src/common/sleep.js';

describe('sleep', () => {
  test('waits at least the time asked', async () => {
    const start = Date.now();
    await sleep(30);
    expect(Date.now() - start).toBeGreaterThanOrEqual(25);
  });

  test('an abort ends the wait at once with the reason; an aborted signal, before it starts', async () => {
    const stop = new AbortController();
    const start = Date.now();
    const waiting = sleep(10_000, stop.signal);
    stop.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    expect(Date.now() - start).toBeLessThan(1000);
    await expect(sleep(10_000, stop.signal)).rejects.toThrow('cancelled');
  });
});

describe('errorMessage', () => {
  test.each([
    [new Error('boom'), 'boom'],
    [new TypeError('bad type'), 'bad type'],
    ['a string', 'a string'],
    [42, '42'],
    [undefined, 'undefined']
  ])('%p', (err, expected) => {
    expect(errorMessage(err)).toBe(expected);
  });
});
