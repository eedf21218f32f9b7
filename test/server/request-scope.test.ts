// The per-request scope: its abort signal exists only once asked for, and carries an abort that happened before.
// The concurrency limiter's synchronous fast path never jumps the queue.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createConcurrencyLimiter } from '../../src/server/concurrency.ts';
import { RequestScope } from '../../src/server/request-scope.ts';

describe('RequestScope', () => {
  it('makes its signal on first use and aborts it later with the reason', () => {
    const scope = new RequestScope(123);
    assert.equal(scope.deadline, 123);
    const signal = scope.signal;
    assert.equal(scope.signal, signal, 'one signal per scope');
    assert.equal(signal.aborted, false);
    scope.abort('client closed the connection');
    assert.equal(signal.aborted, true);
    assert.equal((signal.reason as Error).message, 'client closed the connection');
  });

  it('hands out an already aborted signal after an early abort, and calls onAbort once', () => {
    const scope = new RequestScope(0);
    let calls = 0;
    scope.onAbort = () => calls++;
    scope.abort('request deadline exceeded');
    scope.abort('client closed the connection');
    assert.equal(calls, 1);
    assert.equal(scope.aborted, true);
    assert.equal(scope.signal.aborted, true);
    assert.equal((scope.signal.reason as Error).message, 'request deadline exceeded');
  });
});

describe('concurrency limiter fast path', () => {
  it('grants free slots synchronously and none while others wait', async () => {
    const limiter = createConcurrencyLimiter(1, 4);
    const first = limiter.tryAcquire();
    assert.ok(first !== undefined);
    assert.equal(limiter.tryAcquire(), undefined);
    const waiting = limiter.acquire(new AbortController().signal);
    assert.equal(limiter.queued, 1);
    first();
    // The slot went to the waiter, not to a newcomer.
    assert.equal(limiter.tryAcquire(), undefined);
    const second = await waiting;
    assert.equal(typeof second, 'function');
    if (typeof second === 'function') second();
    const third = limiter.tryAcquire();
    assert.ok(third !== undefined);
    third();
    assert.equal(limiter.inFlight, 0);
  });
});
