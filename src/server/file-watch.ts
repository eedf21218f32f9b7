import { readFile } from 'node:fs/promises';

/**
 * Polls a set of files and calls `onChange` with their new contents when any of them changed. Polling (rather than
 * `fs.watch`) is deliberate: Kubernetes updates Secret and ConfigMap volumes by swapping a `..data` symlink, which
 * inotify-based watchers on the file itself miss, and cert-manager rewrites the certificate and key one after the
 * other. A change is reported once both reads succeed, and only when the bytes differ from the last report.
 */
export interface FileWatcher {
  /** Checks now (tests and the first load use it). Resolves after `onChange` (if any) has run. */
  poll(): Promise<void>;
  close(): void;
}

export function watchFiles(
  paths: readonly string[],
  intervalMs: number,
  onChange: (contents: readonly Buffer[]) => void | Promise<void>,
  onError: (error: unknown) => void,
): FileWatcher {
  let last: readonly Buffer[] | undefined;
  let running: Promise<void> | undefined;
  let closed = false;

  const check = async (): Promise<void> => {
    let contents: Buffer[];
    try {
      contents = await Promise.all(paths.map((path) => readFile(path)));
    } catch (error) {
      onError(error);
      return;
    }
    const previous = last;
    if (previous !== undefined && contents.every((buffer, i) => previous[i]?.equals(buffer) === true)) return;
    last = contents;
    await onChange(contents);
  };

  const poll = (): Promise<void> => {
    running ??= check().finally(() => {
      running = undefined;
    });
    return running;
  };

  const timer = setInterval(() => {
    if (!closed) void poll();
  }, intervalMs);
  timer.unref();

  return {
    poll,
    close() {
      closed = true;
      clearInterval(timer);
    },
  };
}
