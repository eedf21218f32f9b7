// The API client's token bucket and the request concurrency limiter, in isolation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createConcurrencyLimiter } from '../../src/server/concurrency.ts';
import { createTokenBucket } from '../../src/server/token-bucket.ts';

describe('token bucket (--client-qps-limit / --client-qps-burst)', () => {
  it('lets a burst through at once, then paces to the rate', async () => {
    const bucket = createTokenBucket(50, 5);
    const started = performance.now();
    for (let i = 0; i < 5; i++) await bucket.acquire();
    assert.ok(performance.now() - started < 20, 'the burst is immediate');
    for (let i = 0; i < 5; i++) await bucket.acquire();
    const elapsed = performance.now() - started;
    // 5 more tokens at 50/s take about 100 ms.
    assert.ok(elapsed >= 80 && elapsed < 400, `paced: ${elapsed.toFixed(0)} ms`);
  });

  it('serves waiters in arrival order and lets an aborted waiter go', async () => {
    const bucket = createTokenBucket(20, 1);
    await bucket.acquire();
    const order: number[] = [];
    const controller = new AbortController();
    const first = bucket.acquire().then(() => order.push(1));
    const aborted = bucket.acquire(controller.signal).then(
      () => order.push(99),
      () => order.push(-1),
    );
    const third = bucket.acquire().then(() => order.push(3));
    controller.abort(new Error('deadline'));
    await Promise.all([first, aborted, third]);
    assert.deepEqual(order, [1, -1, 3]);
  });
});

describe('concurrency limiter (--max-in-flight / --max-queued)', () => {
  it('grants up to the limit, queues FIFO up to the queue size, then refuses', async () => {
    const limiter = createConcurrencyLimiter(2, 1);
    const signal = new AbortController().signal;
    const a = await limiter.acquire(signal);
    const b = await limiter.acquire(signal);
    assert.equal(typeof a, 'function');
    assert.equal(typeof b, 'function');
    const queued = limiter.acquire(signal);
    assert.equal(limiter.queued, 1);
    assert.equal(await limiter.acquire(signal), 'queue-full');
    if (typeof a === 'function') a();
    const c = await queued;
    assert.equal(typeof c, 'function');
    assert.equal(limiter.inFlight, 2);
    if (typeof b === 'function') b();
    if (typeof c === 'function') {
      c();
      c(); // releasing twice is harmless
    }
    assert.equal(limiter.inFlight, 0);
  });

  it('a queued request whose deadline passes leaves the queue', async () => {
    const limiter = createConcurrencyLimiter(1, 4);
    const hold = await limiter.acquire(new AbortController().signal);
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort();
    assert.equal(await waiting, 'timeout');
    assert.equal(limiter.queued, 0);
    if (typeof hold === 'function') hold();
    assert.equal(limiter.inFlight, 0);
  });
});
