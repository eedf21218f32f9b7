/**
 * Groups admission work by event-loop turn. The reviews whose bodies arrived in one turn (one `epoll` wake-up usually
 * hands over many connections) wait until the turn's I/O callbacks have all run and are then decided back to back in
 * the check phase. Without it each decision runs between two connections' TLS, HTTP and kernel work, which evict the
 * admission code and data from the CPU caches: measured on one core, a decision cost about three times its
 * tight-loop time, and grouping them cut the CPU per review by about 30% (docs/perf/webhook.md, runs 21 to 24). A
 * lone request waits only for the rest of its own turn.
 */
export interface TurnBatcher {
  /** Resolves in the check phase of the current event-loop turn, together with every other caller of this turn. */
  next(): Promise<void>;
  /** Callers waiting for the next check phase. */
  readonly waiting: number;
}

export function createTurnBatcher(): TurnBatcher {
  let queue: (() => void)[] = [];
  const release = (): void => {
    const batch = queue;
    queue = [];
    for (const resume of batch) resume();
  };
  return {
    next: () =>
      new Promise<void>((resolve) => {
        if (queue.push(resolve) === 1) setImmediate(release);
      }),
    get waiting() {
      return queue.length;
    },
  };
}
