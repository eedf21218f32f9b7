/**
 * The playground's engine: runs the CLI's own check, explain and fix code on the editor's text and returns what the
 * CLI would print. Nothing here formats a verdict: the text comes from the same modules `psa check`, `psa explain` and
 * `psa fix` use (createTextReporter, formatExplanation, fixSource); this file only feeds them text instead of files.
 */
import type { AdmissionSettings } from '../../src/admission/index.ts';
import { parseLevelVersion } from '../../src/api/level-version.ts';
import { applyDefaults } from '../../src/cli/adapters.ts';
import { exitCode, runCheck } from '../../src/cli/check-run.ts';
import { explainObject, formatExplanation, templateSegments } from '../../src/cli/explain-object.ts';
import { fixSource } from '../../src/cli/fix-text.ts';
import { DEFAULT_MAX_ALIAS_COUNT, DEFAULT_MAX_DOCUMENT_BYTES } from '../../src/cli/input/document-stream.ts';
import { Judge } from '../../src/cli/judge.ts';
import { fieldIssueProblems, type PipelineItem, readManifestText } from '../../src/cli/manifest-items.ts';
import type { CheckSummary, InputProblem, ObjectVerdict } from '../../src/cli/model.ts';
import { parseNamespaceLabels } from '../../src/cli/namespace-labels.ts';
import type { Palette } from '../../src/cli/output/color.ts';
import type { Reporter } from '../../src/cli/output/reporter.ts';
import { createTextReporter, formatProblem } from '../../src/cli/output/text.ts';
import { remediesFor } from '../../src/cli/remedies.ts';
import { UsageError } from '../../src/cli/usage-error.ts';
import { formatConfigError, loadConfiguration } from '../../src/config/index.ts';

/** Where the cluster's Pod Security configuration comes from, as `psa check`'s flags choose it. */
export const ConfigKinds = {
  /** No `--config`: Talos' default machine config (`--talos-patch` still applies). */
  talos: 'talos',
  /** A PodSecurityConfiguration with these defaults per mode and no exemptions (written for you). */
  levels: 'levels',
  /** `--config FILE`: a PodSecurityConfiguration, an AdmissionConfiguration or a Talos machine config. */
  file: 'file',
} as const;
export type ConfigKind = (typeof ConfigKinds)[keyof typeof ConfigKinds];

/** Everything the page's state holds (and the URL carries). */
export interface PlaygroundState {
  /** The name the manifests are shown under (`file:line` in the output), like a file given to `psa check`. */
  readonly fileName: string;
  readonly manifests: string;
  readonly configKind: ConfigKind;
  /** `level:version` per mode, for {@link ConfigKinds.levels}. */
  readonly levels: { readonly enforce: string; readonly audit: string; readonly warn: string };
  /** The configuration file's text, for {@link ConfigKinds.file}. */
  readonly configText: string;
  /** Talos patches (for the Talos default or a Talos machine config), each one file's text. */
  readonly patches: readonly string[];
  /** `--namespace-labels` values, one per line: `NAMESPACE:key=value[,key=value]`. */
  readonly namespaceLabels: string;
  /** `--namespace`: the namespace of objects that name none. */
  readonly namespace: string;
  /** `psa fix --level`: the target of the fix view. */
  readonly fixLevel: string;
}

export const DEFAULT_STATE: PlaygroundState = {
  fileName: 'manifests.yaml',
  manifests: '',
  configKind: ConfigKinds.talos,
  levels: { enforce: 'baseline:latest', audit: 'restricted:latest', warn: 'restricted:latest' },
  configText: '',
  patches: [],
  namespaceLabels: '',
  namespace: 'default',
  fixLevel: 'restricted:latest',
};

/** One piece of terminal output, in the order a terminal shows it. */
export interface OutputChunk {
  readonly stream: 'stdout' | 'stderr';
  /** Text with the palette's markers (see {@link markupPalette}); plain text once they are stripped. */
  readonly text: string;
}

/** Where an object and its failing fields sit in the editor, for highlighting. */
export interface ObjectLocation {
  /** 1-based line of the object in the editor. */
  readonly line: number;
  /** Lines of the fields its failed checks point at (the remedies' paths, located as closely as the YAML allows). */
  readonly fieldLines: readonly number[];
}

export interface CheckOutcome {
  /** What `psa check` prints (stdout and stderr interleaved as on a terminal). */
  readonly output: readonly OutputChunk[];
  readonly exitCode: number;
  readonly summary: CheckSummary | undefined;
  readonly problems: readonly InputProblem[];
  /** Per object (in output order): where it is and its failing fields. */
  readonly objects: readonly ObjectLocation[];
  /** The command line that gives the same output from files. */
  readonly command: string;
}

const PARSE_OPTIONS = { maxDocumentBytes: DEFAULT_MAX_DOCUMENT_BYTES, maxAliasCount: DEFAULT_MAX_ALIAS_COUNT };

/**
 * A palette that wraps coloured text in private-use markers the page turns into spans: `\uE000<c>text\uE001`, `<c>`
 * one of b (bold), d (dim), r (red), y (yellow), g (green).
 */
export const markupPalette: Palette = {
  bold: (s) => `\uE000b${s}\uE001`,
  dim: (s) => `\uE000d${s}\uE001`,
  red: (s) => `\uE000r${s}\uE001`,
  yellow: (s) => `\uE000y${s}\uE001`,
  green: (s) => `\uE000g${s}\uE001`,
};

/** Removes {@link markupPalette}'s markers: the plain text the CLI prints with colours off. */
export function stripMarkup(text: string): string {
  return text.replace(/\uE000[bdryg]|\uE001/g, '');
}

const CONFIG_FILE = 'pod-security.yaml';
const patchFile = (i: number): string => `patch-${i + 1}.yaml`;

/** The PodSecurityConfiguration the per-mode choice stands for (no exemptions). */
export function levelsConfiguration(levels: PlaygroundState['levels']): string {
  const lines = ['apiVersion: pod-security.admission.config.k8s.io/v1', 'kind: PodSecurityConfiguration', 'defaults:'];
  for (const mode of ['enforce', 'audit', 'warn'] as const) {
    const [level = '', version = 'latest'] = levels[mode].split(':');
    lines.push(`  ${mode}: ${JSON.stringify(level)}`, `  ${mode}-version: ${JSON.stringify(version)}`);
  }
  lines.push('exemptions:', '  usernames: []', '  runtimeClasses: []', '  namespaces: []');
  return `${lines.join('\n')}\n`;
}

/** The `psa check` command line that reproduces the state from files (named as the page names them). */
export function commandLine(state: PlaygroundState): string {
  const args = ['psa', 'check'];
  if (state.configKind !== ConfigKinds.talos) args.push('--config', CONFIG_FILE);
  if (state.configKind !== ConfigKinds.levels)
    state.patches.forEach((_, i) => args.push('--talos-patch', patchFile(i)));
  for (const line of namespaceLabelLines(state)) args.push('--namespace-labels', shellQuote(line));
  if (state.namespace !== '' && state.namespace !== 'default') args.push('-n', shellQuote(state.namespace));
  args.push(shellQuote(state.fileName));
  return args.join(' ');
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=,@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function namespaceLabelLines(state: PlaygroundState): string[] {
  return state.namespaceLabels
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** The files `--config` and `--talos-patch` name, held in memory. */
function virtualFiles(state: PlaygroundState): Map<string, string> {
  const files = new Map<string, string>();
  if (state.configKind === ConfigKinds.levels) files.set(`/${CONFIG_FILE}`, levelsConfiguration(state.levels));
  if (state.configKind === ConfigKinds.file) files.set(`/${CONFIG_FILE}`, state.configText);
  if (state.configKind !== ConfigKinds.levels) state.patches.forEach((p, i) => files.set(`/${patchFile(i)}`, p));
  return files;
}

/** Loads the configuration as `psa check --config/--talos-patch` does; on failure, the lines the CLI prints. */
async function loadSettings(
  state: PlaygroundState,
): Promise<{ ok: true; settings: AdmissionSettings } | { ok: false; lines: string[] }> {
  const files = virtualFiles(state);
  const configPath = state.configKind === ConfigKinds.talos ? undefined : CONFIG_FILE;
  const result = await loadConfiguration({
    ...(configPath === undefined ? {} : { configPath }),
    talosPatches: state.configKind === ConfigKinds.levels ? [] : state.patches.map((_, i) => patchFile(i)),
    readFile: (path) => {
      const text = files.get(path);
      return text === undefined ? Promise.reject(new Error('no such file or directory')) : Promise.resolve(text);
    },
    cwd: '/',
  });
  if (result.ok) return { ok: true, settings: result.settings };
  return {
    ok: false,
    lines: result.errors.map((e) => `psa: configuration error: ${formatConfigError(e, configPath)}`),
  };
}

/** Records the pod-bearing items as they pass, so verdicts can be traced back to the editor's lines. */
async function* tapItems(
  items: AsyncIterable<PipelineItem>,
  seen: Map<number, Extract<PipelineItem, { type: 'pod-bearing' }>>,
): AsyncGenerator<PipelineItem> {
  for await (const item of items) {
    if (item.type === 'pod-bearing') seen.set(item.object.index, item);
    yield item;
  }
}

function locateVerdict(
  verdict: ObjectVerdict,
  item: Extract<PipelineItem, { type: 'pod-bearing' }> | undefined,
): ObjectLocation {
  const line = verdict.position.line;
  if (item?.template === undefined || item.template === null) return { line, fieldLines: [] };
  const checkIds = new Set([
    ...(verdict.enforce?.checkIds ?? []),
    ...(verdict.warn?.checkIds ?? []),
    ...(verdict.audit?.checkIds ?? []),
  ]);
  const shape = applyDefaults(item.template, item.kind === 'Pod');
  const segments = templateSegments(item.templatePath);
  const lines = new Set<number>();
  for (const id of checkIds) {
    for (const remedy of remediesFor(id, shape, segments.spec, segments.meta)) {
      const at = item.object.locate(remedy.path);
      if (at !== undefined) lines.add(at.line);
    }
  }
  return { line, fieldLines: [...lines].sort((a, b) => a - b) };
}

/** `psa check` on the state: the same text, line for line, and the exit code. */
export async function runPlaygroundCheck(
  state: PlaygroundState,
  palette: Palette = markupPalette,
): Promise<CheckOutcome> {
  const output: OutputChunk[] = [];
  const command = commandLine(state);
  const stdout = (text: string): void => {
    const last = output[output.length - 1];
    if (last?.stream === 'stdout') output[output.length - 1] = { stream: 'stdout', text: last.text + text };
    else output.push({ stream: 'stdout', text });
  };
  const stderr = (text: string): void => void output.push({ stream: 'stderr', text });
  let namespaceLabels: Map<string, Record<string, string>>;
  try {
    namespaceLabels = parseNamespaceLabels(namespaceLabelLines(state));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    stderr(`psa check: ${error.message}\nRun 'psa check --help' for usage.\n`);
    return { output, exitCode: 2, summary: undefined, problems: [], objects: [], command };
  }
  const loaded = await loadSettings(state);
  if (!loaded.ok) {
    for (const line of loaded.lines) stderr(`${line}\n`);
    return { output, exitCode: 2, summary: undefined, problems: [], objects: [], command };
  }
  const judge = new Judge({
    settings: loaded.settings,
    defaultNamespace: state.namespace === '' ? 'default' : state.namespace,
    namespaceLabels,
    username: '',
  });
  const text = createTextReporter(stdout, palette);
  const items = new Map<number, Extract<PipelineItem, { type: 'pod-bearing' }>>();
  const objects: ObjectLocation[] = [];
  const reporter: Reporter = {
    ...text,
    object(verdict) {
      objects.push(locateVerdict(verdict, items.get(verdict.index)));
      text.object(verdict);
    },
  };
  const problems: InputProblem[] = [];
  const summary = await runCheck(tapItems(readManifestText(state.fileName, state.manifests, PARSE_OPTIONS), items), {
    judge,
    reporter,
    onProblem: (p) => {
      problems.push(p);
      stderr(`${palette.red('error:')} ${formatProblem(p)}\n`);
    },
  });
  return { output, exitCode: exitCode(summary, 'enforce'), summary, problems, objects, command };
}

/** One object of the explain view, with where its fields are in the editor. */
export interface ExplainEntry {
  readonly text: string;
  readonly line: number;
  /** The remedy paths printed in the text, each with its line in the editor. */
  readonly paths: readonly { readonly path: string; readonly line: number }[];
}

export interface ExplainOutcome {
  readonly entries: readonly ExplainEntry[];
  /** `error: file:line:col: ...` lines, as `psa explain` prints them. */
  readonly errors: readonly string[];
}

/** `psa explain` on the manifests: per object the strictest level, the version timeline and what to change. */
export async function runPlaygroundExplain(
  state: PlaygroundState,
  palette: Palette = markupPalette,
): Promise<ExplainOutcome> {
  const entries: ExplainEntry[] = [];
  const errors: string[] = [];
  const namespace = state.namespace === '' ? 'default' : state.namespace;
  for await (const item of readManifestText(state.fileName, state.manifests, PARSE_OPTIONS)) {
    if (item.type === 'problem') {
      errors.push(`error: ${formatProblem(item.problem)}`);
      continue;
    }
    if (item.type !== 'pod-bearing') continue;
    if (item.issues.length > 0) {
      for (const problem of fieldIssueProblems(item.object, item.issues))
        errors.push(`error: ${formatProblem(problem)}`);
      continue;
    }
    const e = explainObject(item, namespace);
    if (e === undefined) continue;
    const paths = e.violations.flatMap((v) =>
      v.fixes.map((f) => ({ path: f.path, line: item.object.locate(f.path)?.line ?? e.line })),
    );
    entries.push({ text: formatExplanation(e, palette), line: e.line, paths });
  }
  return { entries, errors };
}

export interface FixOutcome {
  /** `psa fix --level` could not parse the level: the usage error. */
  readonly usageError: string | undefined;
  readonly before: string;
  readonly after: string;
  readonly changed: boolean;
  /** What `psa fix` prints on stderr: parse errors and what still fails, with how to admit it. */
  readonly diagnostics: readonly string[];
  readonly exitCode: number;
}

/** `psa fix --level <fixLevel>` on the manifests. */
export function runPlaygroundFix(state: PlaygroundState): FixOutcome {
  const lv = parseLevelVersion(state.fixLevel);
  if (!lv.ok)
    return {
      usageError: lv.error,
      before: state.manifests,
      after: state.manifests,
      changed: false,
      diagnostics: [],
      exitCode: 2,
    };
  const json = state.fileName.toLowerCase().endsWith('.json');
  const fixed = fixSource({ name: state.fileName, json }, state.manifests, lv.value);
  return {
    usageError: undefined,
    before: state.manifests,
    after: fixed.text,
    changed: fixed.changed,
    diagnostics: fixed.diagnostics,
    exitCode: fixed.errors > 0 ? 2 : fixed.unfixed > 0 ? 1 : 0,
  };
}
