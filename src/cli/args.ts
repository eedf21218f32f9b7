import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean, suggestFlag } from '../suggest.ts';

import { UsageError } from './usage-error.ts';

export { UsageError };

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
}

/** `node:util` parseArgs with strict checking, its errors turned into one-line usage errors. */
export function parseCommandArgs(argv: readonly string[], options: OptionSpec): Parsed {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
    return { values, positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(cleanParseMessage(message, options));
  }
}

function cleanParseMessage(message: string, options: OptionSpec): string {
  // parseArgs messages mention "To specify a positional argument starting with a '-'..." hints; keep the first sentence.
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown?.[1] !== undefined) return `unknown flag ${unknown[1]}${suggestFlag(unknown[1], options)}`;
  const missing = /^Option '([^']+)' argument missing/.exec(message);
  if (missing?.[1] !== undefined) return `flag ${missing[1].replace(/^-\w, /, '')} needs a value`;
  const dot = message.indexOf('. ');
  return dot > 0 ? message.slice(0, dot) : message;
}

export function stringOption(parsed: Parsed, name: string): string | undefined {
  const v = parsed.values[name];
  if (Array.isArray(v)) {
    const last = v[v.length - 1];
    return typeof last === 'string' ? last : undefined;
  }
  return typeof v === 'string' ? v : undefined;
}

export function listOption(parsed: Parsed, name: string): string[] {
  const v = parsed.values[name];
  if (v === undefined) return [];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}

export function booleanOption(parsed: Parsed, name: string): boolean {
  return parsed.values[name] === true;
}

export function choiceOption<T extends string>(parsed: Parsed, name: string, choices: readonly T[], fallback: T): T {
  const v = stringOption(parsed, name);
  if (v === undefined) return fallback;
  if ((choices as readonly string[]).includes(v)) return v as T;
  throw new UsageError(
    `invalid value ${JSON.stringify(v)} for --${name}: must be one of ${choices.join(', ')}${didYouMean(v, choices)}`,
  );
}
