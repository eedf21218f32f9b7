import type { CliIo } from '../../process-io.ts';
import { booleanOption, choiceOption, parseCommandArgs, stringOption } from '../args.ts';
import { explainObject, formatExplanation } from '../explain-object.ts';
import { EXPLAIN_HELP } from '../help.ts';
import { paletteFor } from '../output/color.ts';
import { formatProblem } from '../output/text.ts';
import { StreamWriter } from '../output/writer.ts';
import { fieldIssueProblems, readManifests } from '../pipeline.ts';
import { inputPaths, readOptions } from './check.ts';

export * from '../explain-object.ts';

export const EXPLAIN_FORMATS = ['text', 'json'] as const;

/** The flags of this command (also read by `psa completion`). */
export const OPTIONS = {
  output: { type: 'string', short: 'o' },
  namespace: { type: 'string', short: 'n' },
  'max-document-size': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `psa explain`: per workload, the strictest level it meets, where its verdict changes by version, and what to change. */
export async function runExplainCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(argv, OPTIONS);
  if (booleanOption(parsed, 'help')) {
    io.stdout.write(EXPLAIN_HELP);
    return 0;
  }
  const format = choiceOption(parsed, 'output', EXPLAIN_FORMATS, 'text');
  const paths = inputPaths(parsed, io);
  const options = readOptions(parsed, io);
  const palette = paletteFor(io);
  const defaultNamespace = stringOption(parsed, 'namespace') ?? 'default';
  let errors = 0;
  let first = true;
  if (format === 'json') io.stdout.write('{"results":[');
  const out = new StreamWriter(io.stdout);
  for await (const item of readManifests(paths, options)) {
    await out.drain();
    if (item.type === 'problem') {
      errors++;
      io.stderr.write(`error: ${formatProblem(item.problem)}\n`);
      continue;
    }
    if (item.type !== 'pod-bearing') continue;
    if (item.issues.length > 0) {
      errors++;
      for (const problem of fieldIssueProblems(item.object, item.issues))
        io.stderr.write(`error: ${formatProblem(problem)}\n`);
      continue;
    }
    const e = explainObject(item, defaultNamespace);
    if (e === undefined) continue;
    if (format === 'json') {
      out.write(`${first ? '\n' : ',\n'}${JSON.stringify(e)}`);
      first = false;
      continue;
    }
    out.write(`${formatExplanation(e, palette)}\n\n`);
  }
  if (format === 'json') io.stdout.write(`${first ? '' : '\n'}]}\n`);
  return errors > 0 ? 2 : 0;
}
