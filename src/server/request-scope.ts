import type { ReviewContext } from './review.ts';

/**
 * One admission request's deadline and cancellation. The `AbortSignal` is made only when something asks for it (a
 * namespace cache miss, a pod listing, a full concurrency queue): most reviews are answered from memory and never
 * need one, and an `AbortController` per request was a measurable part of the webhook's per-request CPU.
 */
export class RequestScope implements ReviewContext {
  readonly deadline: number;
  #controller: AbortController | undefined;
  #reason: Error | undefined;
  /** Called once, when the scope aborts (the transport arms its hard deadline with it). */
  onAbort: (() => void) | undefined;

  constructor(deadline: number) {
    this.deadline = deadline;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#reason !== undefined) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  get aborted(): boolean {
    return this.#reason !== undefined;
  }

  abort(reason: string): void {
    if (this.#reason !== undefined) return;
    this.#reason = new Error(reason);
    this.#controller?.abort(this.#reason);
    this.onAbort?.();
  }
}
