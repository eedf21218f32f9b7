/** Command-line options shared by the conformance runner and its suites. */
import { parseArgs } from 'node:util';

export interface SuiteOptions {
  /** Generated cases to run (`--cases N`); undefined means the suite's default. */
  readonly cases: number | undefined;
  /** Base seed for generation (`--seed S`); undefined means a fresh random one, printed for replay. */
  readonly seed: number | undefined;
  /**
   * A progress file for a long, resumable run (`--state FILE`): a suite that supports it records its seed and every
   * finished chunk there, and a rerun with the same file continues after the last recorded chunk.
   */
  readonly state: string | undefined;
  /** Remaining positional arguments (suite name filters for the runner). */
  readonly positionals: readonly string[];
}

/** A bad command line; the message is meant for the user as is. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function integer(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?[0-9]+$/.test(text)) throw new UsageError(`${flag}: expected an integer, got ${JSON.stringify(text)}`);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) throw new UsageError(`${flag}: must be an integer >= ${min}`);
  return value;
}

/** Parses `--cases N`, `--seed S` and `--state FILE` (all optional) plus positionals. */
export function parseSuiteArgs(argv: readonly string[]): SuiteOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { cases: { type: 'string' }, seed: { type: 'string' }, state: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (cause) {
    throw new UsageError((cause as Error).message, { cause });
  }
  const seed = integer('--seed', parsed.values.seed, -0x80000000);
  if (seed !== undefined && seed > 0xffffffff) throw new UsageError('--seed: must fit in 32 bits');
  return {
    cases: integer('--cases', parsed.values.cases, 0),
    seed: seed === undefined ? undefined : seed | 0,
    state: parsed.values.state,
    positionals: parsed.positionals,
  };
}

/** Formats the suite arguments back for a child process. */
export function formatSuiteArgs(options: SuiteOptions): string[] {
  const out: string[] = [];
  if (options.cases !== undefined) out.push('--cases', String(options.cases));
  if (options.seed !== undefined) out.push('--seed', String(options.seed));
  if (options.state !== undefined) out.push('--state', options.state);
  return out;
}

/** A fresh 32-bit seed. */
export function randomSeed(): number {
  return (Math.random() * 0x100000000) | 0;
}
