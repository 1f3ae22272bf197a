import { HttpError } from '../../api/errors';
import { AT_CAPACITY_MESSAGE, AtCapacity, createTemporalSlots, type SlotClock, type TemporalSlots } from '../../api/webhooks/temporalSlots';

/** A clock whose time moves only when the test says so. */
function manualClock(start = 1_000_000) {
  let now = start;
  let nextId = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: SlotClock & { advance(ms: number): void; pending(): number } = {
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++nextId;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(id) {
      timers.delete(id as number);
    },
    advance(ms) {
      now += ms;
      for (const [id, timer] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
        if (timer.at > now) continue;
        timers.delete(id);
        timer.fn();
      }
    },
    pending: () => timers.size,
  };
  return clock;
}

/** A call that stays in flight until the test ends it. */
function deferred<T = string>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets promise callbacks run (no time passes). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** `calls` calls one after another, each holding its slot for `callMs`: the slots' recent history. */
async function warmUp(slots: TemporalSlots, clock: ReturnType<typeof manualClock>, calls: number, callMs: number) {
  for (let i = 0; i < calls; i++) {
    const call = deferred();
    const running = slots.run(() => call.promise);
    await settle();
    clock.advance(callMs);
    call.resolve('done');
    await running;
  }
}

describe('temporalSlots', () => {
  it('refuses at once, with a 503 and Retry-After, when every slot and the waiting queue are taken', async () => {
    const clock = manualClock();
    const slots = createTemporalSlots({ maxInFlight: 2, maxWaiting: 1, waitMs: 250, waitLimitMs: 250, clock });
    const calls = [deferred(), deferred()];
    const running = calls.map((call) => slots.run(() => call.promise));
    const waiting = slots.run(async () => 'waited');
    waiting.catch(() => undefined);
    expect(slots.inFlight()).toBe(2);
    expect(slots.waiting()).toBe(1);

    const refused = await slots.run(async () => 'never').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AtCapacity);
    expect(refused).toBeInstanceOf(HttpError);
    const atCapacity = refused as AtCapacity;
    expect(atCapacity.status).toBe(503);
    expect(atCapacity.message).toBe(AT_CAPACITY_MESSAGE);
    expect(atCapacity.headers['Retry-After']).toBe(String(atCapacity.retryAfterSeconds));
    expect(atCapacity.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(atCapacity.retryAfterSeconds).toBeLessThanOrEqual(30);

    calls.forEach((call) => call.resolve('done'));
    await expect(Promise.all(running)).resolves.toEqual(['done', 'done']);
    await expect(waiting).resolves.toBe('waited');
    expect(slots.inFlight()).toBe(0);
  });

  it('refuses at once when there is no waiting queue', async () => {
    const slots = createTemporalSlots({ maxInFlight: 1, maxWaiting: 0, waitMs: 250, waitLimitMs: 250, clock: manualClock() });
    const call = deferred();
    const running = slots.run(() => call.promise);
    await expect(slots.run(async () => 'never')).rejects.toBeInstanceOf(AtCapacity);
    call.resolve('done');
    await running;
  });

  it('hands a slot freed within the wait to the waiter', async () => {
    const clock = manualClock();
    const slots = createTemporalSlots({ maxInFlight: 1, maxWaiting: 4, waitMs: 250, waitLimitMs: 250, clock });
    const first = deferred();
    const running = slots.run(() => first.promise);
    let ran = false;
    const waiter = slots.run(async () => {
      ran = true;
      return 'second';
    });
    clock.advance(200);
    await settle();
    expect(ran).toBe(false);
    expect(slots.waiting()).toBe(1);

    first.resolve('first');
    await expect(running).resolves.toBe('first');
    await expect(waiter).resolves.toBe('second');
    expect(clock.pending()).toBe(0); // its wait timer was cleared
    expect(slots.inFlight()).toBe(0);
    expect(slots.waiting()).toBe(0);
  });

  // At the expected wait when the limit is that wait; only at the limit when it is longer
  // (Temporal slowed down after the waiter was let in).
  it.each([250, 1000])('refuses a waiter at its wait limit of %i ms, and leaves the slots as they were', async (waitLimitMs) => {
    const clock = manualClock();
    const slots = createTemporalSlots({ maxInFlight: 1, maxWaiting: 4, waitMs: 250, waitLimitMs, clock });
    const first = deferred();
    const running = slots.run(() => first.promise);
    let ran = false;
    const waiter = slots.run(async () => {
      ran = true;
    });
    const outcome = waiter.catch((error: unknown) => error);
    clock.advance(waitLimitMs - 1);
    await settle();
    expect(slots.waiting()).toBe(1);
    clock.advance(1);
    expect(await outcome).toBeInstanceOf(AtCapacity);
    expect(ran).toBe(false);
    expect(slots.waiting()).toBe(0);
    expect(slots.inFlight()).toBe(1);

    first.resolve('first');
    await running;
    expect(slots.inFlight()).toBe(0);
  });

  it('serves a waiter it let in after the expected wait is up, until the wait limit', async () => {
    const clock = manualClock();
    const slots = createTemporalSlots({ maxInFlight: 1, maxWaiting: 4, waitMs: 250, waitLimitMs: 1000, clock });
    const first = deferred();
    const running = slots.run(() => first.promise);
    const late = slots.run(async () => 'served late');
    clock.advance(999); // far past the expected 250 ms, within the limit: still waiting, not refused
    await settle();
    expect(slots.waiting()).toBe(1);
    first.resolve('first');
    await running;
    await expect(late).resolves.toBe('served late');
    expect(clock.pending()).toBe(0); // its limit timer was cleared
    expect(slots.inFlight()).toBe(0);
  });

  it('returns the slot of a call that threw or timed out', async () => {
    const clock = manualClock();
    const slots = createTemporalSlots({ maxInFlight: 1, maxWaiting: 1, waitMs: 250, waitLimitMs: 250, clock });
    const failing = deferred();
    const running = slots.run(() => failing.promise);
    const waiter = slots.run(async () => 'after the failure');
    failing.reject(new HttpError(503, 'Temporal did not answer in time; nothing was recorded, deliver again'));
    await expect(running).rejects.toThrow('did not answer in time');
    await expect(waiter).resolves.toBe('after the failure');
    expect(slots.inFlight()).toBe(0);

    await expect(
      slots.run(() => {
        throw new Error('synchronous failure');
      }),
    ).rejects.toThrow('synchronous failure');
    expect(slots.inFlight()).toBe(0);
    await expect(slots.run(async () => 'free again')).resolves.toBe('free again');
  });

  it('derives Retry-After from the backlog and how fast the slots turn over, within 1..30 s', async () => {
    const clock = manualClock();
    const slots = createTemporalSlots({ maxInFlight: 4, maxWaiting: 0, waitMs: 0, waitLimitMs: 0, clock });
    // Nothing has completed yet: the longest wait.
    expect(slots.retryAfterSeconds()).toBe(30);

    // Calls take 2 s: 4 slots turn over 2 times per second.
    await warmUp(slots, clock, 20, 2_000);
    const held = Array.from({ length: 4 }, () => deferred());
    const running = held.map((call) => slots.run(() => call.promise));
    // 4 in flight at 2/s: 2 s.
    expect(slots.retryAfterSeconds()).toBe(2);
    const refused = (await slots.run(async () => undefined).catch((error: unknown) => error)) as AtCapacity;
    expect(refused.retryAfterSeconds).toBe(2);
    expect(refused.headers['Retry-After']).toBe('2');

    // A fast Temporal: never below 1 s.
    for (let i = 0; i < 1_000; i++) {
      const freed = held.shift()!;
      freed.resolve('done');
      await running.shift();
      const again = deferred();
      held.push(again);
      running.push(slots.run(() => again.promise));
    }
    expect(slots.retryAfterSeconds()).toBe(1);

    // A stalled Temporal: nothing completes for longer than the window, never above 30 s.
    clock.advance(60_000);
    expect(slots.retryAfterSeconds()).toBe(30);
    held.forEach((call) => call.resolve('done'));
    await Promise.all(running);
    expect(slots.inFlight()).toBe(0);
  });

  it('refuses at once a webhook that could not expect a slot within the wait, judged by the recent call time', async () => {
    const clock = manualClock();
    // 4 slots and a 250 ms wait; calls have lately taken 500 ms each, so within the wait at most
    // 4 × 250 / 500 = 2 slots can be expected to free: a third waiter would only time out.
    const slots = createTemporalSlots({ maxInFlight: 4, maxWaiting: 100, waitMs: 250, waitLimitMs: 250, clock });
    for (let i = 0; i < 20; i++) {
      const call = deferred();
      const running = slots.run(() => call.promise);
      await settle();
      clock.advance(500);
      call.resolve('done');
      await running;
    }
    const held = Array.from({ length: 4 }, () => deferred());
    const running = held.map((call) => slots.run(() => call.promise));
    const waiters = [slots.run(async () => 'first'), slots.run(async () => 'second')];
    expect(slots.waiting()).toBe(2);
    expect(() => slots.refuseIfFull()).toThrow(AtCapacity);
    const refused = await slots.run(async () => 'never').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AtCapacity);
    expect(slots.waiting()).toBe(2); // refused without joining the queue, and no timer left behind
    expect(clock.pending()).toBe(2);

    held.forEach((call) => call.resolve('done'));
    await Promise.all(running);
    await expect(Promise.all(waiters)).resolves.toEqual(['first', 'second']);
    expect(slots.inFlight()).toBe(0);
    expect(() => slots.refuseIfFull()).not.toThrow();
  });

  it('lets webhooks wait up to maxWaiting while no call has yet finished to judge by', async () => {
    const clock = manualClock();
    const slots = createTemporalSlots({ maxInFlight: 1, maxWaiting: 3, waitMs: 250, waitLimitMs: 250, clock });
    const first = deferred();
    const running = slots.run(() => first.promise);
    const waiters = [1, 2, 3].map((n) => slots.run(async () => n));
    expect(slots.waiting()).toBe(3);
    expect(() => slots.refuseIfFull()).toThrow(AtCapacity);
    first.resolve('done');
    await running;
    await expect(Promise.all(waiters)).resolves.toEqual([1, 2, 3]);
  });

  it('refuseIfFull passes while a slot is free or the queue has room the wait can serve', async () => {
    const clock = manualClock();
    const slots = createTemporalSlots({ maxInFlight: 2, maxWaiting: 4, waitMs: 250, waitLimitMs: 250, clock });
    expect(() => slots.refuseIfFull()).not.toThrow();
    const held = [deferred(), deferred()];
    const running = held.map((call) => slots.run(() => call.promise));
    expect(() => slots.refuseIfFull()).not.toThrow(); // full, but the queue is empty
    held.forEach((call) => call.resolve('done'));
    await Promise.all(running);
  });

  it('spreads the returns it asks for: each second of Retry-After holds as many as the slots complete per second', async () => {
    const clock = manualClock();
    const slots = createTemporalSlots({ maxInFlight: 2, maxWaiting: 0, waitMs: 0, waitLimitMs: 0, clock });
    // Calls take 1 s: 2 slots complete 2 per second.
    await warmUp(slots, clock, 20, 1_000);
    const held = [deferred(), deferred()];
    const running = held.map((call) => slots.run(() => call.promise));
    // 2 in flight at 2/s: the first return fits 1 s from now; two returns per second after that.
    const refusals: number[] = [];
    for (let i = 0; i < 8; i++) refusals.push(((await slots.run(async () => 0).catch((e: unknown) => e)) as AtCapacity).retryAfterSeconds);
    expect(refusals).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    // A peek says what the next refusal would get, and books nothing.
    expect(slots.retryAfterSeconds()).toBe(5);
    expect(slots.retryAfterSeconds()).toBe(5);

    // Time moves on: the seconds already booked stay booked, counted from now.
    clock.advance(2_000);
    const later = ((await slots.run(async () => 0).catch((e: unknown) => e)) as AtCapacity).retryAfterSeconds;
    expect(later).toBe(3); // 1 s and 2 s from now (the old 3 s and 4 s) are full

    // Never past the longest wait, however many are refused.
    for (let i = 0; i < 100; i++) await slots.run(async () => 0).catch(() => undefined);
    const last = ((await slots.run(async () => 0).catch((e: unknown) => e)) as AtCapacity).retryAfterSeconds;
    expect(last).toBe(30);
    held.forEach((call) => call.resolve('done'));
    await Promise.all(running);
  });
});
