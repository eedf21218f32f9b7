/**
 * `psa fix` on one source's text: the safe remedies applied with the yaml Document API (comments and formatting kept,
 * untouched documents copied byte for byte), the strategic-merge patches, and what still fails with how to admit it.
 * No Node API: the browser playground shows the same diff from the same code.
 */
import { type Document, isMap, isNode, isScalar, isSeq, LineCounter, stringify as yamlStringify } from 'yaml';
import { formatLevelVersion, type LevelVersion } from '../api/level-version.ts';
import { minimumLevel } from '../policy/index.ts';
import { parseAllDocumentsWithUniqueKeys } from '../yaml-documents.ts';
import { applyDefaults, decodeManifest, evaluate } from './adapters.ts';
import { templateSegments } from './explain-object.ts';
import { splitYamlStream } from './input/document-stream.ts';
import { displayKind } from './kinds.ts';
import { type Edit, type PathSegment, type Remedy, remediesFor } from './remedies.ts';

/** What `fix` did to one object. */
export interface FixReport {
  readonly file: string;
  readonly line: number;
  readonly ref: string;
  readonly namespace: string;
  readonly applied: readonly Remedy[];
  /** Remedies that remain after the safe fixes (the object still fails the level). */
  readonly remaining: readonly Remedy[];
  readonly remainingReasons: readonly string[];
  /** The strictest level the fixed object meets at the target version. */
  readonly meets: string;
  /** A strategic-merge patch (JS value) with the applied edits, for `-o patch`. */
  readonly patch: Record<string, unknown> | undefined;
}

function detectIndentSeq(text: string): boolean {
  // `key:` followed by `- item` at the same indentation means sequences are not indented (kubectl's style).
  return !/^([ ]*)[^\s#-][^\n]*:[ \t]*\r?\n\1- /m.test(text);
}

function ensureMap(doc: Document, path: readonly (string | number)[]): void {
  for (let i = 1; i < path.length; i++) {
    const parent = path.slice(0, i);
    const node = doc.getIn(parent, true);
    if (node === undefined || (isScalar(node) && (node.value === null || node.value === undefined))) {
      doc.setIn(parent, doc.createNode({}));
    } else if (isMap(node) && node.flow === true && node.items.length === 0) {
      // `securityContext: {}` that gains keys reads better as a block.
      node.flow = false;
    }
  }
}

function applyEdit(doc: Document, edit: Edit): void {
  ensureMap(doc, edit.path);
  if (edit.op === 'set') {
    doc.setIn(edit.path, edit.value);
    return;
  }
  const list = doc.getIn(edit.path, true);
  if (isSeq(list)) list.add(doc.createNode(edit.value));
  else doc.setIn(edit.path, doc.createNode([edit.value]));
}

/** Builds the strategic-merge patch of the applied edits: containers are merged by name. */
function buildPatch(
  raw: Readonly<Record<string, unknown>>,
  edits: readonly Edit[],
  fixed: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const meta = (raw['metadata'] ?? {}) as Record<string, unknown>;
  const patch: Record<string, unknown> = {
    apiVersion: raw['apiVersion'],
    kind: raw['kind'],
    metadata: { name: meta['name'], ...(meta['namespace'] === undefined ? {} : { namespace: meta['namespace'] }) },
  };
  for (const edit of edits) {
    let target: Record<string, unknown> = patch;
    let source: unknown = fixed;
    const path = edit.path;
    for (let i = 0; i < path.length - 1; i++) {
      const seg = path[i]!;
      const next = path[i + 1]!;
      source = (source as Record<string | number, unknown> | undefined)?.[seg];
      if (typeof next === 'number') {
        // A container list: merge by name (strategic merge key).
        const list = (target[seg as string] ??= []) as Record<string, unknown>[];
        const item = (source as Record<string, unknown>[] | undefined)?.[next];
        const name = item?.['name'];
        let entry = list.find((e) => e['name'] === name);
        if (entry === undefined) {
          entry = { name };
          list.push(entry);
        }
        target = entry;
        source = item;
        i++;
      } else {
        target = (target[seg] ??= {}) as Record<string, unknown>;
      }
    }
    const last = path[path.length - 1] as string;
    // Lists are replaced by strategic merge unless they have a merge key: send the whole fixed list.
    target[last] = (source as Record<string, unknown> | undefined)?.[last];
  }
  return patch;
}

function valueAt(doc: Document, prefix: readonly PathSegment[]): unknown {
  if (prefix.length === 0) return doc.toJS({ maxAliasCount: 100 }) as unknown;
  const node = doc.getIn(prefix, true);
  return isNode(node) ? (node.toJSON() as unknown) : undefined;
}

/** Fixes the object at `prefix` in a YAML document (Document API: comments and formatting kept). */
function fixObject(
  doc: Document,
  prefix: readonly PathSegment[],
  file: string,
  line: number,
  target: LevelVersion,
): FixReport | undefined {
  const raw = valueAt(doc, prefix);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const decoded = decodeManifest(raw as Record<string, unknown>);
  if (decoded.type !== 'pod-bearing' || decoded.template === null || decoded.issues.length > 0) return undefined;
  const segments = templateSegments(decoded.templatePath);
  const shape = applyDefaults(decoded.template, decoded.kind === 'Pod');
  const before = evaluate(target, shape.metadata, shape.spec);
  const applied: Remedy[] = [];
  for (const v of before.violations) {
    for (const r of remediesFor(v.checkId, shape, segments.spec, segments.meta)) {
      if (r.edit !== undefined && !applied.some((x) => x.path === r.path)) applied.push(r);
    }
  }
  for (const r of applied) applyEdit(doc, { ...r.edit!, path: [...prefix, ...r.edit!.path] });
  const fixedRaw = valueAt(doc, prefix) as Record<string, unknown>;
  const fixed = decodeManifest(fixedRaw);
  const fixedShape =
    fixed.type === 'pod-bearing' && fixed.template !== null
      ? applyDefaults(fixed.template, decoded.kind === 'Pod')
      : shape;
  const after = evaluate(target, fixedShape.metadata, fixedShape.spec);
  const remaining = after.violations.flatMap((v) => remediesFor(v.checkId, fixedShape, segments.spec, segments.meta));
  const name = decoded.metadata.name ?? '';
  return {
    file,
    line,
    ref: `${displayKind(decoded.apiVersion, decoded.kind)}/${name}`,
    namespace: decoded.metadata.namespace ?? 'default',
    applied,
    remaining,
    remainingReasons: after.violations.map((v) => `${v.reason} (${v.detail})`),
    meets: minimumLevel(target.version, fixedShape.metadata, fixedShape.spec),
    patch:
      applied.length > 0
        ? buildPatch(
            raw as Record<string, unknown>,
            applied.map((r) => r.edit!),
            fixedRaw,
          )
        : undefined,
  };
}

/** Fixes one YAML document in place: the object, or each item of a `List`. */
export function fixDocument(
  doc: Document,
  file: string,
  line: number,
  target: LevelVersion,
  lineOf: (offset: number) => number = () => line,
): FixReport[] {
  const contents = doc.contents;
  if (isMap(contents)) {
    const kind = contents.get('kind');
    const items = contents.get('items', true);
    if (typeof kind === 'string' && kind.endsWith('List') && isSeq(items)) {
      const reports: FixReport[] = [];
      items.items.forEach((item, i) => {
        const r = fixObject(doc, ['items', i], file, isNode(item) && item.range ? lineOf(item.range[0]) : line, target);
        if (r !== undefined) reports.push(r);
      });
      return reports;
    }
  }
  const r = fixObject(doc, [], file, line, target);
  return r === undefined ? [] : [r];
}

/** The narrowest ways to admit an object that still fails: a namespace label, or a Talos patch exempting the namespace. */
export function admissionHints(report: FixReport, target: LevelVersion): string[] {
  const version = target.version.latest ? '' : ` pod-security.kubernetes.io/enforce-version=${target.version.text}`;
  return [
    `  to admit it as it is, label its namespace with the level it meets (narrowest):`,
    `    kubectl label --overwrite ns ${report.namespace} pod-security.kubernetes.io/enforce=${report.meets}${version}`,
    `  or exempt the namespace in the cluster configuration with a Talos patch (psa check --talos-patch FILE):`,
    `    cluster:`,
    `      apiServer:`,
    `        admissionControl:`,
    `          - name: PodSecurity`,
    `            configuration:`,
    `              exemptions:`,
    `                namespaces: [${report.namespace}]`,
  ];
}

/** The outcome of {@link fixSource} on one source. */
export interface FixedSource {
  /** The whole source with the safe fixes applied (documents without fixes unchanged, byte for byte). */
  readonly text: string;
  readonly changed: boolean;
  readonly reports: readonly FixReport[];
  /** One `# ref (file:line)` headed strategic-merge patch (YAML) per fixed object, for `-o patch`. */
  readonly patches: readonly string[];
  /** What `psa fix` prints on stderr, in input order: parse errors and the objects that still fail. */
  readonly diagnostics: readonly string[];
  readonly errors: number;
  /** Objects that still fail the target after the safe fixes. */
  readonly unfixed: number;
}

/** Applies the safe fixes for `target` to every object of one source (a YAML stream, or one JSON document). */
export function fixSource(
  source: { readonly name: string; readonly json: boolean },
  text: string,
  target: LevelVersion,
): FixedSource {
  const diagnostics: string[] = [];
  const patches: string[] = [];
  const allReports: FixReport[] = [];
  let errors = 0;
  let unfixed = 0;
  const chunks = source.json ? [{ text, startLine: 1 }] : splitYamlStream(text);
  const out: string[] = [];
  let changed = false;
  for (const chunk of chunks) {
    const lineCounter = new LineCounter();
    const list = parseAllDocumentsWithUniqueKeys(chunk.text, { version: '1.1', lineCounter, prettyErrors: false });
    const doc = list[0];
    if (list.length !== 1 || doc === undefined || doc.errors.length > 0) {
      const e = doc?.errors[0];
      if (e !== undefined) {
        errors++;
        const p = lineCounter.linePos(e.pos[0]);
        diagnostics.push(`error: ${source.name}:${p.line + chunk.startLine - 1}:${p.col}: ${e.message}`);
      }
      out.push(chunk.text);
      continue;
    }
    const line = chunk.startLine - 1 + lineCounter.linePos(doc.contents?.range[0] ?? 0).line;
    let reports: FixReport[] = [];
    try {
      reports = fixDocument(
        doc,
        source.name,
        line,
        target,
        (offset) => chunk.startLine - 1 + lineCounter.linePos(offset).line,
      );
    } catch (error) {
      errors++;
      diagnostics.push(`error: ${source.name}:${line}:1: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!reports.some((r) => r.applied.length > 0)) {
      out.push(chunk.text);
    } else {
      changed = true;
      const rendered = source.json
        ? `${JSON.stringify(doc.toJS(), null, 2)}\n`
        : doc.toString({ indentSeq: detectIndentSeq(chunk.text), lineWidth: 0 });
      out.push(rendered);
    }
    for (const report of reports) {
      if (report.patch !== undefined)
        patches.push(`# ${report.ref} (${report.file}:${report.line})\n${stringifyPatch(report.patch)}`);
      if (report.remaining.length > 0) {
        unfixed++;
        const lines = [
          `${report.file}:${report.line}: ${report.ref} still fails ${formatLevelVersion(target)} after the safe fixes:`,
        ];
        for (const reason of report.remainingReasons) lines.push(`  ${reason}`);
        for (const r of report.remaining) lines.push(`    ${r.path}: ${r.change}`);
        lines.push(...admissionHints(report, target));
        diagnostics.push(lines.join('\n'));
      }
    }
  }
  return { text: out.join(''), changed, reports: allReports, patches, diagnostics, errors, unfixed };
}

function stringifyPatch(patch: Record<string, unknown>): string {
  return yamlStringify(patch, { lineWidth: 0 });
}
