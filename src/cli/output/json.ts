import type {
  CheckSummary,
  InputProblem,
  ModeVerdict,
  NamespaceEvent,
  ObjectVerdict,
  SkippedObject,
} from '../model.ts';
import type { Reporter } from './reporter.ts';

type Write = (s: string) => void;

/** The `-o json` schema version; bump on incompatible changes (documented in docs/cli.md). */
export const JSON_SCHEMA_VERSION = 'psa.check/v1' as const;

/** One mode's verdict in `psa check -o json`. */
export interface ModeReport {
  readonly level: string;
  readonly version: string;
  readonly allowed: boolean;
  readonly forbiddenReasons: readonly string[];
  readonly forbiddenDetail: string;
  readonly message: string;
}

/** A field that did not decode, with where it is. */
export interface FieldErrorReport {
  readonly path: string;
  readonly message: string;
  readonly line: number | null;
  readonly column: number | null;
}

/** One Pod or workload in `psa check -o json` (stable: fields are only ever added). */
export interface ObjectReport {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly index: number;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly category: 'pod' | 'workload';
  /** False when the object has invalid fields (see `errors`): the API server would reject it before admission. */
  readonly checked: boolean;
  readonly exempt: 'namespace' | 'user' | 'runtimeClass' | null;
  readonly policyError: string | null;
  readonly enforce: ModeReport | null;
  readonly warn: ModeReport | null;
  readonly audit: ModeReport | null;
  /** What `kubectl` would print as `Warning: ...`. */
  readonly warnings: readonly string[];
  readonly refused: boolean;
  readonly refusal: string | null;
  readonly controller: string | null;
  readonly podName: string;
  readonly errors: readonly FieldErrorReport[];
}

/** A Namespace object of the input, applied like `kubectl apply` would. */
export interface NamespaceReport {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly index: number;
  readonly name: string;
  readonly action: 'created' | 'configured';
  readonly allowed: boolean;
  readonly invalid: string | null;
  readonly warnings: readonly string[];
}

/** How many objects of a kind were not checked (not pod-bearing). */
export interface SkippedReport {
  readonly kind: string;
  readonly count: number;
}

/** Input that could not be read or decoded. */
export interface ProblemReport {
  readonly file: string;
  readonly line: number | null;
  readonly column: number | null;
  readonly index: number | null;
  readonly message: string;
}

export interface SummaryReport {
  readonly files: number;
  readonly objects: number;
  readonly pods: number;
  readonly workloads: number;
  readonly namespaces: number;
  readonly skipped: number;
  readonly configurations: number;
  readonly exempt: number;
  readonly refused: number;
  readonly warned: number;
  readonly audited: number;
  readonly errors: number;
}

/** The whole `psa check -o json` document, as the library's `checkManifests` returns it. */
export interface CheckReport {
  readonly schema: typeof JSON_SCHEMA_VERSION;
  readonly results: readonly ObjectReport[];
  readonly namespaces: readonly NamespaceReport[];
  readonly skipped: readonly SkippedReport[];
  readonly errors: readonly ProblemReport[];
  readonly summary: SummaryReport;
}

function mode(m: ModeVerdict | undefined): ModeReport | null {
  if (m === undefined) return null;
  return {
    level: m.level,
    version: m.version,
    allowed: m.allowed,
    forbiddenReasons: m.forbiddenReasons,
    forbiddenDetail: m.forbiddenDetail,
    message: m.message,
  };
}

/** One result object of `psa check -o json`. */
export function resultJson(v: ObjectVerdict): ObjectReport {
  return {
    file: v.file,
    line: v.position.line,
    column: v.position.column,
    index: v.index,
    apiVersion: v.apiVersion,
    kind: v.kind,
    namespace: v.namespace,
    name: v.name,
    category: v.category,
    checked: v.issues.length === 0,
    exempt: v.exempt ?? null,
    policyError: v.policyError ?? null,
    enforce: mode(v.enforce),
    warn: mode(v.warn),
    audit: mode(v.audit),
    warnings: v.warnings,
    refused: v.refused,
    refusal: v.refusal ?? null,
    controller: v.controller ?? null,
    podName: v.podName,
    errors: v.issues.map((i) => ({
      path: i.path,
      message: i.message,
      line: i.position?.line ?? null,
      column: i.position?.column ?? null,
    })),
  };
}

function namespaceJson(e: NamespaceEvent): NamespaceReport {
  return {
    file: e.file,
    line: e.position.line,
    column: e.position.column,
    index: e.index,
    name: e.name,
    action: e.action,
    allowed: e.invalid === undefined,
    invalid: e.invalid ?? null,
    warnings: e.warnings,
  };
}

function problemJson(p: InputProblem): ProblemReport {
  return {
    file: p.file,
    line: p.position?.line ?? null,
    column: p.position?.column ?? null,
    index: p.index ?? null,
    message: p.message,
  };
}

function summaryJson(s: CheckSummary): SummaryReport {
  return {
    files: s.files,
    objects: s.pods + s.workloads,
    pods: s.pods,
    workloads: s.workloads,
    namespaces: s.namespaces,
    skipped: s.skipped,
    configurations: s.configurations,
    exempt: s.exempt,
    refused: s.refused,
    warned: s.warned,
    audited: s.audited,
    errors: s.errors,
  };
}

/** What both JSON reporters share: everything but the results, which the streaming one writes as they come. */
function createReportParts(): {
  readonly reporter: Omit<Reporter, 'object' | 'end'>;
  finish(s: CheckSummary): Omit<CheckReport, 'schema' | 'results'>;
} {
  const namespaces: NamespaceReport[] = [];
  const problems: ProblemReport[] = [];
  const skipped = new Map<string, number>();
  return {
    reporter: {
      namespace: (e) => namespaces.push(namespaceJson(e)),
      skipped(s: SkippedObject) {
        if (s.reason === 'configuration') return;
        skipped.set(s.kind, (skipped.get(s.kind) ?? 0) + 1);
      },
      problem: (p) => problems.push(problemJson(p)),
    },
    finish: (s) => ({
      namespaces,
      skipped: [...skipped].map(([kind, count]) => ({ kind, count })),
      errors: problems,
      summary: summaryJson(s),
    }),
  };
}

/**
 * Streams `{"schema": ..., "results": [...], "namespaces": [...], "skipped": [...], "errors": [...], "summary": {...}}`,
 * one result per line, so huge inputs never sit in memory as a whole.
 */
export function createJsonReporter(write: Write): Reporter {
  let first = true;
  const parts = createReportParts();
  write(`{"schema":${JSON.stringify(JSON_SCHEMA_VERSION)},"results":[`);
  return {
    ...parts.reporter,
    object(v) {
      write(`${first ? '\n' : ',\n'}${JSON.stringify(resultJson(v))}`);
      first = false;
    },
    end(s: CheckSummary) {
      const rest = parts.finish(s);
      write(
        `${first ? '' : '\n'}],\n"namespaces":${JSON.stringify(rest.namespaces)},\n"skipped":${JSON.stringify(rest.skipped)},\n"errors":${JSON.stringify(rest.errors)},\n"summary":${JSON.stringify(rest.summary)}}\n`,
      );
    },
  };
}

/** Collects the same document as {@link createJsonReporter} writes, as objects (the library's `checkManifests`). */
export function createJsonCollector(): { readonly reporter: Reporter; report(): CheckReport } {
  const results: ObjectReport[] = [];
  const parts = createReportParts();
  let report: CheckReport | undefined;
  return {
    reporter: {
      ...parts.reporter,
      object: (v) => results.push(resultJson(v)),
      end(s) {
        report = { schema: JSON_SCHEMA_VERSION, results, ...parts.finish(s) };
      },
    },
    report() {
      if (report === undefined) throw new Error('the check has not ended');
      return report;
    },
  };
}

/** The engine issue's direct-mode contract: `{"results":[{file,index,kind,namespace,name,allowed,forbiddenReasons,forbiddenDetail}]}`. */
export function createDirectJsonWriter(write: Write): { result(r: DirectResult): void; end(): void } {
  let first = true;
  write('{"results":[');
  return {
    result(r) {
      write(`${first ? '\n' : ',\n'}${JSON.stringify(r)}`);
      first = false;
    },
    end() {
      write(`${first ? '' : '\n'}]}\n`);
    },
  };
}

export interface DirectResult {
  readonly file: string;
  readonly index: number;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly allowed: boolean;
  readonly forbiddenReasons: readonly string[];
  readonly forbiddenDetail: string;
}
