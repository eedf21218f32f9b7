/**
 * `psa explain` for one object: the strictest level it meets, its verdict per level across policy versions, and what to
 * change. No Node API: the browser playground shows the same view from the same code.
 */
import { majorMinor } from '../api/version.ts';
import type { Level } from '../api/level.ts';
import { LATEST, type Version } from '../api/version.ts';
import { checkCatalogue, minimumLevel, newestPolicyVersion } from '../policy/index.ts';
import { applyDefaults, evaluate } from './adapters.ts';
import { displayKind } from './kinds.ts';
import type { PipelineItem } from './manifest-items.ts';
import type { Palette } from './output/color.ts';
import { type PathSegment, remediesFor } from './remedies.ts';

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

/** The text `psa explain` prints for one object (without the blank line that follows it). */
export function formatExplanation(e: Explanation, palette: Palette): string {
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
  return lines.join('\n');
}
