/**
 * `psa check -o FORMAT[=FILE]` (repeatable): one run can print text to the terminal and write SARIF and a Markdown
 * summary to files, as the GitHub Action does. The formats used in CI only (markdown, github) load on demand.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { CliIo } from '../../process-io.ts';
import { UsageError } from '../args.ts';
import type { CheckSummary, InputProblem, NamespaceEvent, ObjectVerdict, SkippedObject } from '../model.ts';
import { paletteFor, PLAIN_PALETTE } from './color.ts';
import { createJsonReporter } from './json.ts';
import { createJunitReporter } from './junit.ts';
import type { Reporter } from './reporter.ts';
import { createSarifReporter } from './sarif.ts';
import { createTextReporter } from './text.ts';
import { StreamWriter } from './writer.ts';

export const FORMATS = ['text', 'json', 'sarif', 'junit', 'markdown', 'github'] as const;
export type Format = (typeof FORMATS)[number];

/** One `-o` value: a format, written to standard output or to a file. */
export interface OutputSpec {
  readonly format: Format;
  readonly file: string | undefined;
}

/** Parses the `-o` values (default: text on standard output); at most one may go to standard output. */
export function parseOutputSpecs(values: readonly string[]): OutputSpec[] {
  if (values.length === 0) return [{ format: 'text', file: undefined }];
  const specs = values.map((value): OutputSpec => {
    const eq = value.indexOf('=');
    const format = eq < 0 ? value : value.slice(0, eq);
    const file = eq < 0 ? undefined : value.slice(eq + 1);
    if (!(FORMATS as readonly string[]).includes(format))
      throw new UsageError(
        `invalid value ${JSON.stringify(value)} for --output: must be one of ${FORMATS.join(', ')} (optionally =FILE)`,
      );
    if (file === '') throw new UsageError(`--output ${value}: the file name is empty`);
    return { format: format as Format, file };
  });
  if (specs.filter((s) => s.file === undefined).length > 1)
    throw new UsageError('only one --output may go to standard output; give the others a file: -o FORMAT=FILE');
  return specs;
}

/** The reporter for one format writing through `write`; CI-only formats are imported when asked for. */
async function createReporter(
  format: Format,
  write: (s: string) => void,
  io: CliIo,
  toStdout: boolean,
): Promise<Reporter> {
  switch (format) {
    case 'json':
      return createJsonReporter(write);
    case 'sarif':
      return createSarifReporter(write);
    case 'junit':
      return createJunitReporter(write);
    case 'markdown':
      return (await import('./markdown.ts')).createMarkdownReporter(write);
    case 'github':
      return (await import('./github.ts')).createGithubReporter(write);
    case 'text':
      return createTextReporter(write, toStdout ? paletteFor(io) : PLAIN_PALETTE);
  }
}

/** Every reporter of a run, fanned out, with the streams to wait for and to close at the end. */
export interface Outputs {
  readonly reporter: Reporter;
  /** Waits while any output asks to (a full pipe or a slow disk). */
  drain(): Promise<void>;
  /** Flushes and closes the files; rejects naming the file when one could not be written. */
  close(): Promise<void>;
}

export async function openOutputs(
  specs: readonly OutputSpec[],
  io: CliIo,
  resolvePath: (p: string) => string,
): Promise<Outputs> {
  const outputs: { writer: StreamWriter; file?: OpenFile }[] = [];
  const reporters: Reporter[] = [];
  for (const spec of specs) {
    const file = spec.file === undefined ? undefined : openFile(spec.file, resolvePath(spec.file));
    const writer = new StreamWriter(file === undefined ? io.stdout : file.stream);
    outputs.push({ writer, ...(file === undefined ? {} : { file }) });
    reporters.push(await createReporter(spec.format, writer.write, io, spec.file === undefined));
  }
  const files = outputs.flatMap((o) => (o.file === undefined ? [] : [o.file]));
  return {
    reporter: reporters.length === 1 ? reporters[0]! : fanOut(reporters),
    async drain() {
      // A file that failed emits nothing more: waiting for it to drain would wait forever.
      for (const o of outputs) if (o.file?.error === undefined) await o.writer.drain();
    },
    async close() {
      for (const f of files) f.stream.end();
      await Promise.all(files.map((f) => f.closed));
      const failed = files.find((f) => f.error !== undefined);
      if (failed?.error !== undefined) throw new OutputFileError(failed.name, failed.error);
    },
  };
}

interface OpenFile {
  readonly name: string;
  readonly stream: WriteStream;
  /** Settles when the stream is closed, after an error too. */
  readonly closed: Promise<void>;
  error: Error | undefined;
}

function openFile(name: string, path: string): OpenFile {
  const stream = createWriteStream(path);
  const file: OpenFile = {
    name,
    stream,
    error: undefined,
    closed: new Promise<void>((resolve) => stream.once('close', resolve)),
  };
  stream.once('error', (error) => (file.error = error));
  return file;
}

/** An output file that could not be written (a missing folder, no permission). */
export class OutputFileError extends Error {
  override readonly name = 'OutputFileError';
  readonly file: string;
  constructor(file: string, cause: Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : cause.message;
    super(`cannot write ${file}: ${reason}`, { cause });
    this.file = file;
  }
}

function fanOut(reporters: readonly Reporter[]): Reporter {
  return {
    object: (v: ObjectVerdict) => reporters.forEach((r) => r.object(v)),
    namespace: (e: NamespaceEvent) => reporters.forEach((r) => r.namespace(e)),
    skipped: (s: SkippedObject) => reporters.forEach((r) => r.skipped(s)),
    problem: (p: InputProblem) => reporters.forEach((r) => r.problem(p)),
    end: (s: CheckSummary) => reporters.forEach((r) => r.end(s)),
  };
}
