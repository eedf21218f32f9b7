import type { OutputStream } from '../../process-io.ts';

interface Drainable {
  once(event: string, listener: () => void): unknown;
  removeListener(event: string, listener: () => void): unknown;
}

function isDrainable(stream: unknown): stream is Drainable {
  const s = stream as Partial<Drainable>;
  return typeof s.once === 'function' && typeof s.removeListener === 'function';
}

/**
 * Writes through to an output stream and remembers when it asked us to wait (`write` returned false, as a pipe to a
 * slow reader does): callers `await drain()` between objects, so output never piles up in memory.
 */
export class StreamWriter {
  readonly #stream: OutputStream;
  #full = false;

  constructor(stream: OutputStream) {
    this.#stream = stream;
  }

  readonly write = (chunk: string): void => {
    if (this.#stream.write(chunk) === false) this.#full = true;
  };

  async drain(): Promise<void> {
    if (!this.#full) return;
    this.#full = false;
    const stream: unknown = this.#stream;
    if (!isDrainable(stream)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        stream.removeListener('drain', done);
        stream.removeListener('error', done);
        stream.removeListener('close', done);
        resolve();
      };
      stream.once('drain', done);
      stream.once('error', done);
      stream.once('close', done);
    });
  }
}
