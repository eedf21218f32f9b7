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
import { CHECK_HELP } from '../help.ts';
import { DEFAULT_MAX_ALIAS_COUNT, DEFAULT_MAX_DOCUMENT_BYTES, type ReadOptions } from '../input/documents.ts';
import { Judge } from '../judge.ts';
import type { CheckSummary, InputProblem, ObjectVerdict } from '../model.ts';
import { paletteFor } from '../output/color.ts';
import { createDirectJsonWriter, createJsonReporter } from '../output/json.ts';
import { createJunitReporter } from '../output/junit.ts';
import type { Reporter } from '../output/reporter.ts';
import { createSarifReporter } from '../output/sarif.ts';
import { createTextReporter, formatProblem } from '../output/text.ts';
import { StreamWriter } from '../output/writer.ts';
import { fieldIssueProblems, formatFieldIssue, readManifests } from '../pipeline.ts';

const OPTIONS = {
  level: { type: 'string' },
  version: { type: 'string' },
  output: { type: 'string', short: 'o' },
  config: { type: 'string' },
  'talos-patch': { type: 'string', multiple: true },
  'namespace-labels': { type: 'string', multiple: true },
  namespace: { type: 'string', short: 'n' },
  'fail-on': { type: 'string' },
  user: { type: 'string' },
  'max-document-size': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const FORMATS = ['text', 'json', 'sarif', 'junit'] as const;
export type Format = (typeof FORMATS)[number];
export const FAIL_ON = ['enforce', 'warn', 'audit'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** Parses `NS:key=value[,key=value]` into namespace -> labels (later flags add to / override earlier ones). */
export function parseNamespaceLabels(flags: readonly string[]): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const flag of flags) {
    const colon = flag.indexOf(':');
    if (colon <= 0)
      throw new UsageError(
        `invalid --namespace-labels ${JSON.stringify(flag)}: expected NAMESPACE:key=value[,key=value]`,
      );
    const ns = flag.slice(0, colon);
    const labels = out.get(ns) ?? (Object.create(null) as Record<string, string>);
    for (const pair of flag.slice(colon + 1).split(',')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      if (eq <= 0)
        throw new UsageError(
          `invalid --namespace-labels ${JSON.stringify(flag)}: ${JSON.stringify(pair)} is not key=value`,
        );
      labels[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    out.set(ns, labels);
  }
  return out;
}

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
  const format = choiceOption(parsed, 'output', FORMATS, 'text');
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
    if (format !== 'json' && format !== 'text')
      throw new UsageError('direct mode (--level) supports -o json and -o text');
    return runDirect(paths, options, lv.value, format, io);
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
  const out = new StreamWriter(io.stdout);
  const write = out.write;
  const reporter: Reporter =
    format === 'json'
      ? createJsonReporter(write)
      : format === 'sarif'
        ? createSarifReporter(write)
        : format === 'junit'
          ? createJunitReporter(write)
          : createTextReporter(write, paletteFor(io));
  const stderrPalette = paletteFor(io, 'stderr');
  const counts = {
    files: 0,
    pods: 0,
    workloads: 0,
    namespaces: 0,
    skipped: 0,
    configurations: 0,
    refused: 0,
    warned: 0,
    audited: 0,
    exempt: 0,
    errors: 0,
  };
  const skippedKinds = new Map<string, number>();
  const problem = (p: InputProblem): void => {
    counts.errors++;
    io.stderr.write(`${stderrPalette.red('error:')} ${formatProblem(p)}\n`);
    reporter.problem(p);
  };
  for await (const item of readManifests(paths, options)) {
    await out.drain();
    switch (item.type) {
      case 'file':
        counts.files++;
        break;
      case 'problem':
        problem(item.problem);
        break;
      case 'skipped':
        if (item.reason === 'configuration') counts.configurations++;
        else {
          counts.skipped++;
          skippedKinds.set(item.kind, (skippedKinds.get(item.kind) ?? 0) + 1);
        }
        reporter.skipped(item);
        break;
      case 'namespace': {
        if (item.issues.length > 0) {
          for (const i of item.issues)
            problem({
              file: item.object.file,
              index: item.object.index,
              position: i.position,
              message: formatFieldIssue(i),
            });
          break;
        }
        counts.namespaces++;
        const event = await judge.applyNamespace(
          item.object.file,
          item.object.index,
          item.object.position,
          item.metadata,
        );
        if (event.invalid !== undefined) counts.refused++;
        if (event.warnings.length > 0) counts.warned++;
        reporter.namespace(event);
        break;
      }
      case 'pod-bearing': {
        if (item.kind === 'Pod') counts.pods++;
        else counts.workloads++;
        const verdict = judge.judge({
          file: item.object.file,
          index: item.object.index,
          position: item.object.position,
          apiVersion: item.apiVersion,
          kind: item.kind,
          metadata: item.metadata,
          template: item.template,
          issues: item.issues,
        });
        if (verdict.issues.length > 0) {
          for (const i of verdict.issues)
            problem({ file: verdict.file, index: verdict.index, position: i.position, message: formatFieldIssue(i) });
        } else {
          tally(verdict, counts);
        }
        reporter.object(verdict);
        break;
      }
    }
  }
  const summary: CheckSummary = { ...counts, objects: counts.pods + counts.workloads, skippedKinds };
  reporter.end(summary);
  return exitCode(summary, failOn);
}

function tally(v: ObjectVerdict, counts: { refused: number; warned: number; audited: number; exempt: number }): void {
  if (v.exempt !== undefined) counts.exempt++;
  if (v.refused) counts.refused++;
  if (v.warnings.length > 0) counts.warned++;
  if (v.audit !== undefined && !v.audit.allowed) counts.audited++;
}

export function exitCode(s: CheckSummary, failOn: FailOn): number {
  if (s.errors > 0) return 2;
  if (s.refused > 0) return 1;
  if (failOn !== 'enforce' && s.warned > 0) return 1;
  if (failOn === 'audit' && s.audited > 0) return 1;
  return 0;
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
