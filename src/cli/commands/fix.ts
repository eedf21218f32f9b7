import { readFile, writeFile } from 'node:fs/promises';
import { parseLevelVersion } from '../../api/level-version.ts';
import type { CliIo } from '../../process-io.ts';
import { booleanOption, choiceOption, parseCommandArgs, stringOption, UsageError } from '../args.ts';
import { fixSource } from '../fix-text.ts';
import { FIX_HELP } from '../help.ts';
import { expandPaths, isSourceProblem } from '../input/sources.ts';
import { absolute } from './check.ts';

export * from '../fix-text.ts';

export const FIX_FORMATS = ['yaml', 'patch'] as const;

/** The flags of this command (also read by `psa completion`). */
export const OPTIONS = {
  level: { type: 'string' },
  output: { type: 'string', short: 'o' },
  write: { type: 'boolean', short: 'w' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `psa fix`: safe remedies applied with the yaml Document API; what remains is listed with how to admit it. */
export async function runFixCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(argv, OPTIONS);
  if (booleanOption(parsed, 'help')) {
    io.stdout.write(FIX_HELP);
    return 0;
  }
  const levelText = stringOption(parsed, 'level');
  if (levelText === undefined)
    throw new UsageError('--level is required, e.g. --level restricted or --level baseline:v1.30');
  const lv = parseLevelVersion(levelText);
  if (!lv.ok) throw new UsageError(lv.error);
  const target = lv.value;
  const format = choiceOption(parsed, 'output', FIX_FORMATS, 'yaml');
  const write = booleanOption(parsed, 'write');
  if (write && format !== 'yaml') throw new UsageError('--write only works with -o yaml');
  if (parsed.positionals.length === 0) throw new UsageError('no input: give files or folders (or - for stdin)');
  let errors = 0;
  let unfixed = 0;
  let firstOut = true;
  for await (const source of expandPaths(parsed.positionals)) {
    if (isSourceProblem(source)) {
      errors++;
      io.stderr.write(`error: ${source.name}: ${source.message}\n`);
      continue;
    }
    let text: string;
    try {
      text = source.path === undefined ? await readStream(io.stdin) : await readFile(absolute(io, source.path), 'utf8');
    } catch (error) {
      errors++;
      io.stderr.write(`error: ${source.name}: ${error instanceof Error ? error.message : String(error)}\n`);
      continue;
    }
    const fixed = fixSource(source, text, target);
    errors += fixed.errors;
    unfixed += fixed.unfixed;
    if (format === 'patch') {
      for (const patch of fixed.patches) {
        io.stdout.write(`${firstOut ? '' : '---\n'}${patch}`);
        firstOut = false;
      }
    }
    for (const message of fixed.diagnostics) io.stderr.write(`${message}\n`);
    if (format === 'yaml') {
      const result = fixed.text;
      if (write) {
        if (fixed.changed && source.path !== undefined) await writeFile(absolute(io, source.path), result);
        else if (source.path === undefined) io.stdout.write(result);
      } else {
        io.stdout.write(
          `${firstOut || result.startsWith('---') ? '' : '---\n'}${result}${result.endsWith('\n') ? '' : '\n'}`,
        );
        firstOut = false;
      }
    }
  }
  if (errors > 0) return 2;
  return unfixed > 0 ? 1 : 0;
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const piece of stream) text += typeof piece === 'string' ? piece : decoder.decode(piece, { stream: true });
  return text + decoder.decode();
}
