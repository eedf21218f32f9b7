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
export const JSON_SCHEMA_VERSION = 'psa.check/v1';

function mode(m: ModeVerdict | undefined): unknown {
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

/** One result object of `psa check -o json` (stable: fields are only ever added). */
export function resultJson(v: ObjectVerdict): unknown {
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

/**
 * Streams `{"schema": ..., "results": [...], "namespaces": [...], "skipped": [...], "errors": [...], "summary": {...}}`,
 * one result per line, so huge inputs never sit in memory as a whole.
 */
export function createJsonReporter(write: Write): Reporter {
  let first = true;
  const namespaces: unknown[] = [];
  const problems: unknown[] = [];
  const skipped = new Map<string, number>();
  write(`{"schema":${JSON.stringify(JSON_SCHEMA_VERSION)},"results":[`);
  return {
    object(v) {
      write(`${first ? '\n' : ',\n'}${JSON.stringify(resultJson(v))}`);
      first = false;
    },
    namespace(e: NamespaceEvent) {
      namespaces.push({
        file: e.file,
        line: e.position.line,
        column: e.position.column,
        index: e.index,
        name: e.name,
        action: e.action,
        allowed: e.invalid === undefined,
        invalid: e.invalid ?? null,
        warnings: e.warnings,
      });
    },
    skipped(s: SkippedObject) {
      if (s.reason === 'configuration') return;
      skipped.set(s.kind, (skipped.get(s.kind) ?? 0) + 1);
    },
    problem(p: InputProblem) {
      problems.push({
        file: p.file,
        line: p.position?.line ?? null,
        column: p.position?.column ?? null,
        index: p.index ?? null,
        message: p.message,
      });
    },
    end(s: CheckSummary) {
      const summary = {
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
      const skippedList = [...skipped].map(([kind, count]) => ({ kind, count }));
      write(
        `${first ? '' : '\n'}],\n"namespaces":${JSON.stringify(namespaces)},\n"skipped":${JSON.stringify(skippedList)},\n"errors":${JSON.stringify(problems)},\n"summary":${JSON.stringify(summary)}}\n`,
      );
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
