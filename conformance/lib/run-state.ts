/**
 * The progress file of a long, resumable differential run (`--state FILE`): JSON lines, first a header with the seed
 * and size of the run, then one line per finished chunk and one per difference found. Appending after each chunk
 * means a run killed at any point loses at most the chunk in flight; a rerun with the same file reads the header
 * (its seed wins) and continues after the last recorded chunk.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from './args.ts';

export interface RunHeader {
  readonly kind: 'run';
  readonly suite: string;
  readonly seed: number;
  readonly cases: number;
  readonly chunkSize: number;
  readonly started: string;
  /** Free-form facts about the run (commit, machine), written once. */
  readonly about?: Readonly<Record<string, unknown>>;
}

export interface ChunkRecord {
  readonly kind: 'chunk';
  /** Chunk index: cases k*chunkSize .. k*chunkSize+cases-1. */
  readonly k: number;
  /** The chunk's own generator seed (replays it alone). */
  readonly seed: number;
  readonly cases: number;
  readonly differences: number;
  /** Wall time spent on the chunk. */
  readonly seconds: number;
  readonly at: string;
}

/** Totals over the recorded chunks. */
export interface RunTotals {
  readonly chunks: number;
  readonly cases: number;
  readonly differences: number;
  readonly seconds: number;
}

export class RunState {
  readonly file: string;
  readonly header: RunHeader;
  /** The first chunk not yet recorded. */
  readonly nextChunk: number;
  /** True when the file already held a run that this one continues. */
  readonly resumed: boolean;
  private totalsSoFar: RunTotals;

  private constructor(file: string, header: RunHeader, chunks: readonly ChunkRecord[], resumed: boolean) {
    this.file = file;
    this.header = header;
    this.resumed = resumed;
    this.nextChunk = chunks.reduce((next, c) => Math.max(next, c.k + 1), 0);
    this.totalsSoFar = chunks.reduce(
      (t, c) => ({
        chunks: t.chunks + 1,
        cases: t.cases + c.cases,
        differences: t.differences + c.differences,
        seconds: t.seconds + c.seconds,
      }),
      { chunks: 0, cases: 0, differences: 0, seconds: 0 },
    );
  }

  /**
   * Opens `file`: continues the run it holds (which must be of `suite`, and agree with `seed` and `cases` where those
   * are given), or starts a new one with `fresh` written as its header.
   */
  static open(
    file: string,
    requested: { readonly suite: string; readonly seed: number | undefined; readonly cases: number | undefined },
    fresh: () => Omit<RunHeader, 'kind' | 'started' | 'suite'>,
  ): RunState {
    if (existsSync(file)) {
      const records = parseLines(readFileSync(file, 'utf8'), file);
      const header = records[0] as RunHeader | undefined;
      if (header !== undefined) {
        if (header.kind !== 'run' || header.suite !== requested.suite)
          throw new UsageError(`${file}: not a ${requested.suite} run (first line: ${JSON.stringify(header)})`);
        if (requested.seed !== undefined && requested.seed !== header.seed)
          throw new UsageError(`${file}: the run there has seed ${String(header.seed)}, not ${String(requested.seed)}`);
        if (requested.cases !== undefined && requested.cases !== header.cases)
          throw new UsageError(
            `${file}: the run there has ${String(header.cases)} cases, not ${String(requested.cases)}`,
          );
        const chunks = records.filter((r): r is ChunkRecord => (r as { kind?: unknown }).kind === 'chunk');
        return new RunState(file, header, chunks, true);
      }
    }
    const header: RunHeader = { kind: 'run', suite: requested.suite, started: new Date().toISOString(), ...fresh() };
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, `${JSON.stringify(header)}\n`);
    return new RunState(file, header, [], false);
  }

  /** Totals over every chunk recorded so far, this process's included. */
  get totals(): RunTotals {
    return this.totalsSoFar;
  }

  recordChunk(chunk: Omit<ChunkRecord, 'kind' | 'at'>): void {
    appendFileSync(this.file, `${JSON.stringify({ kind: 'chunk', ...chunk, at: new Date().toISOString() })}\n`);
    const t = this.totalsSoFar;
    this.totalsSoFar = {
      chunks: t.chunks + 1,
      cases: t.cases + chunk.cases,
      differences: t.differences + chunk.differences,
      seconds: t.seconds + chunk.seconds,
    };
  }

  recordDifference(difference: Readonly<Record<string, unknown>>): void {
    appendFileSync(this.file, `${JSON.stringify({ ...difference, kind: 'difference' })}\n`);
  }
}

// A run killed mid-write can leave a partial last line: it is ignored (its chunk is simply run again).
function parseLines(text: string, file: string): unknown[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const out: unknown[] = [];
  lines.forEach((line, i) => {
    try {
      out.push(JSON.parse(line));
    } catch {
      if (i !== lines.length - 1) throw new UsageError(`${file}:${String(i + 1)}: not a JSON line`);
    }
  });
  return out;
}

/** A well-mixed 32-bit seed for chunk `k` of a run (neighbouring seeds would give correlated streams). */
export function chunkSeed(seed: number, k: number): number {
  let h = (seed ^ Math.imul(k + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}
