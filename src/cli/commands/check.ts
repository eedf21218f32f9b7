import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseLevelVersion, type LevelVersion } from '../../api/level-version.ts';
import type { AdmissionSettings } from '../../admission/index.ts';
import { formatConfigError, loadConfiguration, type LoadedConfiguration } from '../../config/index.ts';
import type { CliIo } from '../../process-io.ts';
import { applyDefaults, evaluate } from '../adapters.ts';
import {
  booleanOption,
  choiceOption,
  listOption,
  type Parsed,
  parseCommandArgs,
  stringOption,
  UsageError,
} from '../args.ts';
import { exitCode, FAIL_ON, runCheck } from '../check-run.ts';
import { CHECK_HELP } from '../help.ts';
import { parseNamespaceLabels } from '../namespace-labels.ts';
import { DEFAULT_MAX_ALIAS_COUNT, DEFAULT_MAX_DOCUMENT_BYTES, type ReadOptions } from '../input/documents.ts';
import { Judge } from '../judge.ts';
import { paletteFor } from '../output/color.ts';
import { createDirectJsonWriter } from '../output/json.ts';
import { OutputFileError, openOutputs, parseOutputSpecs } from '../output/outputs.ts';
import { formatProblem } from '../output/text.ts';
import { StreamWriter } from '../output/writer.ts';
import { fieldIssueProblems, readManifests } from '../pipeline.ts';

/** The flags of this command (also read by `psa completion`). */
export const OPTIONS = {
  level: { type: 'string' },
  version: { type: 'string' },
  output: { type: 'string', short: 'o', multiple: true },
  config: { type: 'string' },
  'talos-patch': { type: 'string', multiple: true },
  'namespace-labels': { type: 'string', multiple: true },
  namespace: { type: 'string', short: 'n' },
  'fail-on': { type: 'string' },
  user: { type: 'string' },
  'max-document-size': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses `1048576`, `64Ki`, `32Mi`, `1Gi` (also `KiB`/`MiB`/`GiB`). */
export function parseSize(text: string): number {
  const m = /^([0-9]+)\s*(Ki|Mi|Gi|KiB|MiB|GiB)?$/.exec(text);
  if (m === null)
    throw new UsageError(`invalid size ${JSON.stringify(text)}: expected bytes, or a number with Ki, Mi or Gi`);
  const unit = (m[2] ?? '').replace(/B$/, '');
  const factor = unit === 'Ki' ? 1024 : unit === 'Mi' ? 1024 * 1024 : unit === 'Gi' ? 1024 * 1024 * 1024 : 1;
  const n = Number(m[1]) * factor;
  if (n < 1) throw new UsageError('--max-document-size must be positive');
  return n;
}

export function inputPaths(parsed: Parsed, io: CliIo): string[] {
  if (parsed.positionals.length > 0) return [...parsed.positionals];
  if ((io.stdin as { isTTY?: boolean }).isTTY === true) {
    throw new UsageError('no input: give files, folders, or - to read standard input');
  }
  return ['-'];
}

export function readOptions(parsed: Parsed, io: CliIo): ReadOptions {
  const size = stringOption(parsed, 'max-document-size');
  return {
    maxDocumentBytes: size === undefined ? DEFAULT_MAX_DOCUMENT_BYTES : parseSize(size),
    maxAliasCount: DEFAULT_MAX_ALIAS_COUNT,
    stdin: io.stdin,
  };
}

/** Resolves paths relative to the CLI's working directory (tests run with a fake cwd). */
export function absolute(io: CliIo, path: string): string {
  return resolve(io.cwd, path);
}

/**
 * Loads `--config` / `--talos-patch` (the Talos default without them): the settings, the effective document and where
 * it came from. Prints the errors and returns undefined on failure.
 */
export async function loadConfigurationFlags(parsed: Parsed, io: CliIo): Promise<LoadedConfiguration | undefined> {
  const configPath = stringOption(parsed, 'config');
  const talosPatches = listOption(parsed, 'talos-patch');
  const result = await loadConfiguration({
    ...(configPath === undefined ? {} : { configPath }),
    talosPatches,
    readFile: (path) => readFile(absolute(io, path), 'utf8'),
    cwd: io.cwd,
  });
  if (!result.ok) {
    for (const e of result.errors) io.stderr.write(`psa: configuration error: ${formatConfigError(e, configPath)}\n`);
    return undefined;
  }
  return result;
}

/** The admission settings of `--config` / `--talos-patch`; undefined (errors printed) on failure. */
export async function loadSettings(parsed: Parsed, io: CliIo): Promise<AdmissionSettings | undefined> {
  return (await loadConfigurationFlags(parsed, io))?.settings;
}

/** `psa check`: what the cluster would say about each object, offline. */
export async function runCheckCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(argv, OPTIONS);
  if (booleanOption(parsed, 'help')) {
    io.stdout.write(CHECK_HELP);
    return 0;
  }
  const outputs = parseOutputSpecs(listOption(parsed, 'output'));
  const failOn = choiceOption(parsed, 'fail-on', FAIL_ON, 'enforce');
  const paths = inputPaths(parsed, io);
  const options = readOptions(parsed, io);
  const level = stringOption(parsed, 'level');
  const version = stringOption(parsed, 'version');
  if (level !== undefined || version !== undefined) {
    if (level === undefined) throw new UsageError('--version needs --level');
    for (const flag of ['config', 'talos-patch', 'namespace-labels', 'namespace', 'user', 'fail-on'] as const) {
      if (parsed.values[flag] !== undefined)
        throw new UsageError(
          `--${flag} cannot be combined with --level (direct mode evaluates at exactly the given level)`,
        );
    }
    const lv = parseLevelVersion(version === undefined ? level : `${level}:${version}`);
    if (!lv.ok) throw new UsageError(lv.error);
    const [only, ...more] = outputs;
    if (
      only === undefined ||
      more.length > 0 ||
      only.file !== undefined ||
      (only.format !== 'json' && only.format !== 'text')
    )
      throw new UsageError('direct mode (--level) supports -o json and -o text');
    return runDirect(paths, options, lv.value, only.format, io);
  }
  const namespaceLabels = parseNamespaceLabels(listOption(parsed, 'namespace-labels'));
  const settings = await loadSettings(parsed, io);
  if (settings === undefined) return 2;
  const judge = new Judge({
    settings,
    defaultNamespace: stringOption(parsed, 'namespace') ?? 'default',
    namespaceLabels,
    username: stringOption(parsed, 'user') ?? '',
  });
  const out = await openOutputs(outputs, io, (path) => absolute(io, path));
  const stderrPalette = paletteFor(io, 'stderr');
  const summary = await runCheck(readManifests(paths, options), {
    judge,
    reporter: out.reporter,
    onProblem: (p) => io.stderr.write(`${stderrPalette.red('error:')} ${formatProblem(p)}\n`),
    beforeItem: () => out.drain(),
  });
  try {
    await out.close();
  } catch (error) {
    if (!(error instanceof OutputFileError)) throw error;
    io.stderr.write(`psa check: ${error.message}\n`);
    return 2;
  }
  return exitCode(summary, failOn);
}

/** Direct mode: every pod-bearing object at exactly one LevelVersion; no namespaces, no configuration. */
async function runDirect(
  paths: readonly string[],
  options: ReadOptions,
  lv: LevelVersion,
  format: 'json' | 'text',
  io: CliIo,
): Promise<number> {
  const out = new StreamWriter(io.stdout);
  const json = format === 'json' ? createDirectJsonWriter(out.write) : undefined;
  let errors = 0;
  let denied = 0;
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
    if (item.template === null) continue;
    const shape = applyDefaults(item.template, item.kind === 'Pod');
    const result = evaluate(lv, shape.metadata, shape.spec);
    if (!result.allowed) denied++;
    const r = {
      file: item.object.file,
      index: item.object.index,
      kind: item.kind,
      namespace: item.metadata.namespace ?? '',
      name: item.metadata.name ?? '',
      allowed: result.allowed,
      forbiddenReasons: result.violations.map((v) => v.reason),
      forbiddenDetail: result.allowed ? '' : result.forbiddenDetail,
    };
    if (json !== undefined) json.result(r);
    else {
      const ref = `${r.file}:${item.object.position.line}: ${r.kind} ${r.namespace === '' ? '' : `${r.namespace}/`}${r.name}`;
      out.write(r.allowed ? `${ref}: allowed\n` : `${ref}: ${r.forbiddenDetail}\n`);
    }
  }
  if (json !== undefined) json.end();
  if (errors > 0) return 2;
  return denied > 0 ? 1 : 0;
}
