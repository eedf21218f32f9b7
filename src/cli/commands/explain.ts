import { majorMinor } from '../../api/version.ts';
import type { Level } from '../../api/level.ts';
import { LATEST, type Version } from '../../api/version.ts';
import type { CliIo } from '../../process-io.ts';
import { checkCatalogue, minimumLevel, newestPolicyVersion } from '../../policy/index.ts';
import { applyDefaults, evaluate } from '../adapters.ts';
import { booleanOption, choiceOption, parseCommandArgs, stringOption } from '../args.ts';
import { EXPLAIN_HELP } from '../help.ts';
import { displayKind } from '../kinds.ts';
import { paletteFor } from '../output/color.ts';
import { formatProblem } from '../output/text.ts';
import { StreamWriter } from '../output/writer.ts';
import { fieldIssueProblems, type PipelineItem, readManifests } from '../pipeline.ts';
import { type PathSegment, remediesFor } from '../remedies.ts';
import { inputPaths, readOptions } from './check.ts';

export const EXPLAIN_FORMATS = ['text', 'json'] as const;

/** The flags of this command (also read by `psa completion`). */
export const OPTIONS = {
  output: { type: 'string', short: 'o' },
  namespace: { type: 'string', short: 'n' },
  'max-document-size': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A run of consecutive policy versions with the same verdict. */
export interface Band {
  readonly from: string;
  readonly to: string;
  readonly allowed: boolean;
  readonly reasons: readonly string[];
}

export interface Explanation {
  readonly file: string;
  readonly line: number;
  readonly index: number;
  readonly kind: string;
  readonly apiVersion: string;
  readonly namespace: string;
  readonly name: string;
  readonly minimumLevel: Level;
  readonly levels: { readonly baseline: readonly Band[]; readonly restricted: readonly Band[] };
  readonly violations: readonly {
    readonly checkId: string;
    readonly level: string;
    readonly reason: string;
    readonly detail: string;
    readonly fixes: readonly { readonly path: string; readonly change: string; readonly automatic: boolean }[];
  }[];
}

const levelOf = new Map(checkCatalogue.map((c) => [c.id, c.level]));

/** Where the pod spec and metadata sit for a kind's template path (`''` for a Pod). */
export function templateSegments(templatePath: string): { spec: PathSegment[]; meta: PathSegment[] } {
  const base = templatePath === '' ? [] : templatePath.split('.');
  return { spec: [...base, 'spec'], meta: [...base, 'metadata'] };
}

function bands(level: Level, item: Extract<PipelineItem, { type: 'pod-bearing' }>): Band[] {
  const shape = applyDefaults(item.template!, true);
  const out: { from: string; to: string; allowed: boolean; reasons: string[]; key: string }[] = [];
  for (let minor = 0; minor <= newestPolicyVersion.minor; minor++) {
    const version: Version = majorMinor(minor);
    const r = evaluate({ level, version }, shape.metadata, shape.spec);
    const reasons = r.violations.map((v) => v.reason);
    const key = reasons.join('\u0000');
    const last = out[out.length - 1];
    if (last?.key === key) last.to = version.text;
    else out.push({ from: version.text, to: version.text, allowed: r.allowed, reasons, key });
  }
  const last = out[out.length - 1];
  if (last !== undefined) last.to = LATEST.text;
  return out.map(({ from, to, allowed, reasons }) => ({ from, to, allowed, reasons }));
}

export function explainObject(
  item: Extract<PipelineItem, { type: 'pod-bearing' }>,
  defaultNamespace: string,
): Explanation | undefined {
  if (item.template === null) return undefined;
  const shape = applyDefaults(item.template, true);
  const segments = templateSegments(item.templatePath);
  const restricted = evaluate({ level: 'restricted', version: LATEST }, shape.metadata, shape.spec);
  // Restricted at latest reports every failed check once (baseline checks it overrides are re-reported by their
  // restricted counterparts); baseline-only reasons cannot appear that are not in restricted.
  const violations = restricted.violations.map((v) => ({
    checkId: v.checkId,
    level: levelOf.get(v.checkId) ?? 'restricted',
    reason: v.reason,
    detail: v.detail,
    fixes: remediesFor(v.checkId, shape, segments.spec, segments.meta).map((r) => ({
      path: r.path,
      change: r.change,
      automatic: r.edit !== undefined,
    })),
  }));
  return {
    file: item.object.file,
    line: item.object.position.line,
    index: item.object.index,
    kind: item.kind,
    apiVersion: item.apiVersion,
    namespace: item.metadata.namespace ?? defaultNamespace,
    name: item.metadata.name ?? '',
    minimumLevel: minimumLevel(LATEST, shape.metadata, shape.spec),
    levels: { baseline: bands('baseline', item), restricted: bands('restricted', item) },
    violations,
  };
}

function bandRange(b: Band): string {
  return b.from === b.to ? b.from : `${b.from} to ${b.to}`;
}

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
    const lines: string[] = [
      palette.bold(`${e.file}:${e.line}: ${displayKind(e.apiVersion, e.kind)}/${e.name} (namespace ${e.namespace})`),
    ];
    lines.push(`  strictest level met at latest: ${e.minimumLevel}`);
    for (const level of ['baseline', 'restricted'] as const) {
      const bs = e.levels[level];
      if (bs.length === 1 && bs[0]!.allowed) {
        lines.push(`  ${level}: allowed at every version`);
        continue;
      }
      lines.push(`  ${level}:`);
      for (const b of bs)
        lines.push(`    ${bandRange(b)}: ${b.allowed ? palette.green('allowed') : b.reasons.join(', ')}`);
    }
    if (e.violations.length > 0) {
      lines.push('  to meet restricted:latest, change:');
      for (const v of e.violations) {
        lines.push(`    ${palette.yellow(v.reason)} [${v.checkId}, ${v.level}]: ${v.detail}`);
        for (const f of v.fixes) lines.push(`      ${f.path}: ${f.change}${f.automatic ? ' (psa fix does this)' : ''}`);
      }
    }
    out.write(`${lines.join('\n')}\n\n`);
  }
  if (format === 'json') io.stdout.write(`${first ? '' : '\n'}]}\n`);
  return errors > 0 ? 2 : 0;
}
