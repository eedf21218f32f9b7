import type { CheckSummary, InputProblem, NamespaceEvent, ObjectVerdict, SkippedObject } from '../model.ts';

/** Receives the check results in input order; formats write as they go (memory stays bounded) where they can. */
export interface Reporter {
  object(verdict: ObjectVerdict): void;
  namespace(event: NamespaceEvent): void;
  skipped(object: SkippedObject): void;
  problem(problem: InputProblem): void;
  end(summary: CheckSummary): void;
}

/** `file:line:col` or `file`. */
export function where(p: {
  readonly file: string;
  readonly position: { readonly line: number; readonly column: number } | undefined;
}): string {
  return p.position === undefined ? p.file : `${p.file}:${p.position.line}:${p.position.column}`;
}
