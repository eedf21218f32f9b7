/** Reads every log file in order into one aggregate: the I/O half of `psa audit-log`. */
import { createReadStream } from 'node:fs';
import { addEvent, createAggregate, type Aggregate, type TimeWindow } from './aggregate.ts';
import { type BadLine, createStreamStats, readEventStream, type StreamStats } from './event-stream.ts';
import { STDIN } from './log-files.ts';
import { MAX_LISTED_BAD_LINES } from './report.ts';

/** Read size: large enough that per-chunk work vanishes, small enough to stay far below any memory concern. */
const CHUNK_BYTES = 1024 * 1024;

export interface ReadResult {
  readonly aggregate: Aggregate;
  readonly stats: StreamStats;
  /** The first MAX_LISTED_BAD_LINES bad lines; `badLineCount` counts them all. */
  readonly badLines: readonly BadLine[];
  readonly badLineCount: number;
  /** Files that could not be opened or read at all. */
  readonly unreadable: readonly string[];
}

export interface ReadLogsOptions {
  readonly window: TimeWindow;
  /** Opens a file (tests and the benchmark pass their own); default: the file system, `-` standard input. */
  readonly open?: (file: string) => AsyncIterable<Buffer>;
  readonly stdin?: AsyncIterable<Buffer>;
  /** The path shown for a file (relative to the working directory, as given). */
  readonly resolvePath?: (file: string) => string;
}

function openFile(path: string): AsyncIterable<Buffer> {
  return createReadStream(path, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>;
}

/** Reads `files` in order (each already in rotation order); content problems become bad lines, never errors. */
export async function readAuditLogs(files: readonly string[], options: ReadLogsOptions): Promise<ReadResult> {
  const aggregate = createAggregate();
  const stats = createStreamStats();
  const badLines: BadLine[] = [];
  let badLineCount = 0;
  const unreadable: string[] = [];
  const sink = {
    podSecurityEvent: (event: Parameters<typeof addEvent>[1]) => addEvent(aggregate, event, options.window),
    badLine: (bad: BadLine) => {
      badLineCount++;
      if (badLines.length < MAX_LISTED_BAD_LINES) badLines.push(bad);
    },
  };
  for (const file of files) {
    const source =
      file === STDIN
        ? (options.stdin ?? (process.stdin as AsyncIterable<Buffer>))
        : (options.open ?? openFile)(options.resolvePath?.(file) ?? file);
    const name = file === STDIN ? '<stdin>' : file;
    try {
      await readEventStream(source, name, sink, stats);
    } catch (error) {
      // Only opening can fail here (readEventStream turns read errors into bad lines once it has started).
      unreadable.push(
        `${name}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
      );
      continue;
    }
  }
  return { aggregate, stats, badLines, badLineCount, unreadable };
}
