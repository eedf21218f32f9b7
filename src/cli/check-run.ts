/**
 * The heart of `psa check`, shared by the CLI, the library's `checkManifests` and the browser playground: judges the items of the pipeline in
 * input order and hands each outcome to a reporter. Where the items come from (files, stdin, a string) and where the
 * report goes (a stream, an array) is the caller's business, so both produce the same results from the same code.
 */
import type { Judge } from './judge.ts';
import type { CheckSummary, InputProblem, ObjectVerdict } from './model.ts';
import type { Reporter } from './output/reporter.ts';
import { formatFieldIssue, type PipelineItem } from './manifest-items.ts';

export const FAIL_ON = ['enforce', 'warn', 'audit'] as const;
/** Which findings make `psa check` exit 1: refusals only, also warnings, or also audit violations. */
export type FailOn = (typeof FAIL_ON)[number];

export interface CheckRun {
  readonly judge: Judge;
  readonly reporter: Reporter;
  /** Called for every input problem before the reporter sees it (the CLI prints it on stderr). */
  readonly onProblem?: (problem: InputProblem) => void;
  /** Awaited before each item (the CLI waits for a full stdout to drain). */
  readonly beforeItem?: () => Promise<void>;
}

/** Judges every item, reports as it goes, ends the report with the summary and returns it. */
export async function runCheck(items: AsyncIterable<PipelineItem>, run: CheckRun): Promise<CheckSummary> {
  const { judge, reporter } = run;
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
    run.onProblem?.(p);
    reporter.problem(p);
  };
  for await (const item of items) {
    if (run.beforeItem !== undefined) await run.beforeItem();
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
  return summary;
}

function tally(v: ObjectVerdict, counts: { refused: number; warned: number; audited: number; exempt: number }): void {
  if (v.exempt !== undefined) counts.exempt++;
  if (v.refused) counts.refused++;
  if (v.warnings.length > 0) counts.warned++;
  if (v.audit !== undefined && !v.audit.allowed) counts.audited++;
}

/** The counts the exit code depends on (a {@link CheckSummary} or the summary of `-o json`). */
export interface OutcomeCounts {
  readonly errors: number;
  readonly refused: number;
  readonly warned: number;
  readonly audited: number;
}

/** `psa check`'s exit code: 2 on input errors, 1 on refusals (and warnings / audit violations per `failOn`), else 0. */
export function exitCode(s: OutcomeCounts, failOn: FailOn): 0 | 1 | 2 {
  if (s.errors > 0) return 2;
  if (s.refused > 0) return 1;
  if (failOn !== 'enforce' && s.warned > 0) return 1;
  if (failOn === 'audit' && s.audited > 0) return 1;
  return 0;
}
