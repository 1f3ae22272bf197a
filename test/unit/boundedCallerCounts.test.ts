/**
 * Money and audit safety, point 11: the rejection limiter's in-memory store forgets a caller
 * once its window is over and never holds more than its bound (oldest window first).
 * A clock is passed in, so time moves without sleeping.
 */
import { BoundedCallerCounts } from '../../api/middleware/boundedCallerCounts';

const entry = (resetMs: number) => ({ id: 'x', reset: resetMs / 1000, remaining: 5, total: 5 });

it('forgets an entry once its window has passed, on read and on the next write', () => {
  let now = 1_000_000;
  const counts = new BoundedCallerCounts({ maxEntries: 10, now: () => now });
  counts.set('limit:a', entry(now + 60_000));
  counts.set('limit:b', entry(now + 61_000));
  expect(counts.has('limit:a')).toBe(true);
  now += 60_500;
  expect(counts.get('limit:a')).toBeUndefined();
  expect(counts.has('limit:a')).toBe(false);
  expect(counts.has('limit:b')).toBe(true);
  now += 1_000;
  counts.set('limit:c', entry(now + 60_000));
  expect([...counts.keys()]).toEqual(['limit:c']);
  expect(counts.tracked()).toBe(1);
});

it('holds at most maxEntries, dropping the entry whose window started first', () => {
  let now = 0;
  const counts = new BoundedCallerCounts({ maxEntries: 3, now: () => now });
  for (const key of ['a', 'b', 'c', 'd', 'e']) {
    now += 10;
    counts.set(key, entry(now + 60_000));
    expect(counts.size).toBeLessThanOrEqual(3);
  }
  expect([...counts.keys()]).toEqual(['c', 'd', 'e']);
  // A new window for a known caller moves it to the back: it is the last to be dropped.
  now += 10;
  counts.set('c', entry(now + 60_000));
  counts.set('f', entry(now + 60_000));
  expect([...counts.keys()]).toEqual(['e', 'c', 'f']);
  expect(counts).toBeInstanceOf(Map);
});

it('counts only what is live', () => {
  let now = 0;
  const counts = new BoundedCallerCounts({ maxEntries: 100, now: () => now });
  for (let i = 0; i < 50; i++) counts.set(`k${i}`, entry(now + 1_000));
  expect(counts.tracked()).toBe(50);
  now += 2_000;
  expect(counts.tracked()).toBe(0);
});
