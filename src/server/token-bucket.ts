/** A token bucket limiting Kubernetes API calls (`--client-qps-limit` tokens per second, `--client-qps-burst` deep). */
export interface RateLimiter {
  /** Resolves when a token is available; rejects if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<void>;
}

export function createTokenBucket(
  qps: number,
  burst: number,
  now: () => number = () => performance.now(),
): RateLimiter {
  let tokens = burst;
  let updated = now();
  // Waiters are served in arrival order so a burst of lookups cannot starve an earlier one.
  let tail: Promise<void> = Promise.resolve();

  const refill = (): void => {
    const t = now();
    tokens = Math.min(burst, tokens + ((t - updated) / 1000) * qps);
    updated = t;
  };

  const take = async (signal?: AbortSignal): Promise<void> => {
    for (;;) {
      signal?.throwIfAborted();
      refill();
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      const waitMs = Math.ceil(((1 - tokens) / qps) * 1000);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(done, waitMs);
        function done(): void {
          signal?.removeEventListener('abort', aborted);
          resolve();
        }
        function aborted(): void {
          clearTimeout(timer);
          reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
        }
        signal?.addEventListener('abort', aborted, { once: true });
      });
    }
  };

  return {
    acquire(signal) {
      const turn = tail.then(() => take(signal));
      tail = turn.catch(() => undefined);
      return turn;
    },
  };
}
