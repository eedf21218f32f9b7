/** Bounds how many admission requests run at once; beyond the in-flight limit they wait in a bounded FIFO queue. */
export interface ConcurrencyLimiter {
  /**
   * Waits for a slot. Resolves to a release function, or to `'queue-full'` when the queue is at its limit, or to
   * `'timeout'` when `signal` aborts while waiting.
   */
  acquire(signal: AbortSignal): Promise<(() => void) | 'queue-full' | 'timeout'>;
  /** A slot right now (its release function), or undefined when every slot is taken; never queues. */
  tryAcquire(): (() => void) | undefined;
  readonly inFlight: number;
  readonly queued: number;
}

interface Waiter {
  grant(): void;
}

export function createConcurrencyLimiter(maxInFlight: number, maxQueued: number): ConcurrencyLimiter {
  let inFlight = 0;
  const queue: Waiter[] = [];

  const release = (): void => {
    const next = queue.shift();
    if (next === undefined) inFlight--;
    else next.grant();
  };
  const makeRelease = (): (() => void) => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  };

  // A free slot means nobody is queued (waiters exist only while every slot is taken), so granting it keeps FIFO.
  const tryAcquire = (): (() => void) | undefined => {
    if (inFlight >= maxInFlight) return undefined;
    inFlight++;
    return makeRelease();
  };

  return {
    get inFlight() {
      return inFlight;
    },
    get queued() {
      return queue.length;
    },
    tryAcquire,
    acquire(signal) {
      const slot = tryAcquire();
      if (slot !== undefined) return Promise.resolve(slot);
      if (queue.length >= maxQueued) return Promise.resolve('queue-full');
      if (signal.aborted) return Promise.resolve('timeout');
      return new Promise((resolve) => {
        const waiter: Waiter = {
          grant() {
            signal.removeEventListener('abort', onAbort);
            resolve(makeRelease());
          },
        };
        function onAbort(): void {
          const index = queue.indexOf(waiter);
          if (index >= 0) queue.splice(index, 1);
          resolve('timeout');
        }
        signal.addEventListener('abort', onAbort, { once: true });
        queue.push(waiter);
      });
    },
  };
}
