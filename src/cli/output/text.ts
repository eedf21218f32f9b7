import { displayKind } from '../kinds.ts';
import type { CheckSummary, InputProblem, NamespaceEvent, ObjectVerdict } from '../model.ts';
import type { Palette } from './color.ts';
import type { Reporter } from './reporter.ts';

type Write = (s: string) => void;

/**
 * Text output that reads like kubectl talking to a real cluster: per object a locator line (`file:line`), then the
 * lines kubectl would print (`Warning: ...`, `deployment.apps/x created`, `Error from server (Forbidden): ...`), and for
 * workloads whose pods would be refused, the controller's `FailedCreate` event as `kubectl describe` shows it.
 */
export function createTextReporter(write: Write, palette: Palette): Reporter {
  const warning = (text: string): string => `${palette.yellow('Warning:')} ${text}`;
  return {
    object(v: ObjectVerdict): void {
      const ref = `${displayKind(v.apiVersion, v.kind)}/${v.name}`;
      const lines: string[] = [palette.bold(`${v.file}:${v.position.line}: ${ref} (namespace ${v.namespace})`)];
      if (v.issues.length > 0) {
        lines.push(
          palette.red(
            `error: not checked: ${v.issues.length === 1 ? '1 invalid field' : `${v.issues.length} invalid fields`} (see errors)`,
          ),
        );
        write(`${lines.join('\n')}\n\n`);
        return;
      }
      if (v.category === 'pod' && v.refused) {
        lines.push(
          palette.red(
            `Error from server (Forbidden): error when creating ${JSON.stringify(v.file)}: ${v.refusal ?? ''}`,
          ),
        );
      } else {
        for (const w of v.warnings) lines.push(warning(w));
        lines.push(`${ref} created`);
        if (v.refused && v.refusal !== undefined) {
          lines.push(
            `${palette.red('Warning')}  FailedCreate  ${v.controller ?? 'controller'}  ${palette.red(v.refusal)}`,
          );
        }
      }
      if (v.audit !== undefined && !v.audit.allowed && !v.warnings.includes(v.audit.message)) {
        lines.push(palette.dim(`audit-violations: ${v.audit.message}`));
      }
      if (v.exempt !== undefined) lines.push(palette.dim(exemptNote(v)));
      if (v.policyError !== undefined) lines.push(palette.dim(`error: namespace ${v.namespace}: ${v.policyError}`));
      write(`${lines.join('\n')}\n\n`);
    },
    namespace(e: NamespaceEvent): void {
      const lines: string[] = [palette.bold(`${e.file}:${e.position.line}: namespace/${e.name}`)];
      if (e.invalid !== undefined) {
        lines.push(
          palette.red(
            `Error from server (Invalid): error when ${e.action === 'created' ? 'creating' : 'applying'} ${JSON.stringify(e.file)}: ${e.invalid}`,
          ),
        );
      } else {
        for (const w of e.warnings) lines.push(warning(w));
        lines.push(`namespace/${e.name} ${e.action}`);
      }
      write(`${lines.join('\n')}\n\n`);
    },
    skipped(): void {},
    problem(): void {},
    end(s: CheckSummary): void {
      write(`${summaryLine(s)}\n${outcomeLine(s, palette)}\n`);
    },
  };
}

/** `2 would be refused, 1 with warnings.` or `No violations.` */
export function outcomeLine(s: CheckSummary, palette: Palette): string {
  const outcome: string[] = [];
  if (s.refused > 0) outcome.push(palette.red(`${s.refused} would be refused`));
  if (s.warned > 0) outcome.push(palette.yellow(`${s.warned} with warnings`));
  if (s.audited > 0) outcome.push(`${s.audited} with audit violations`);
  if (s.errors > 0) outcome.push(palette.red(`${s.errors} ${s.errors === 1 ? 'error' : 'errors'}`));
  return outcome.length === 0 ? palette.green('No violations.') : `${outcome.join(', ')}.`;
}

function exemptNote(v: ObjectVerdict): string {
  switch (v.exempt) {
    case 'namespace':
      return `exempt: namespace ${v.namespace} is exempt from Pod Security`;
    case 'user':
      return 'exempt: the requesting user is exempt from Pod Security';
    default:
      return 'exempt: its runtimeClassName is exempt from Pod Security';
  }
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

export function summaryLine(s: CheckSummary): string {
  const parts = [
    `Checked ${plural(s.pods + s.workloads, 'object', 'objects')} (${plural(s.pods, 'pod', 'pods')}, ${plural(s.workloads, 'workload', 'workloads')}) in ${plural(s.files, 'file', 'files')}`,
  ];
  if (s.namespaces > 0) parts.push(`applied ${plural(s.namespaces, 'namespace', 'namespaces')}`);
  if (s.skipped > 0) {
    const kinds = [...s.skippedKinds].map(([k, n]) => `${k}: ${n}`).join(', ');
    parts.push(`skipped ${plural(s.skipped, 'other object', 'other objects')} (${kinds})`);
  }
  if (s.configurations > 0) {
    parts.push(
      `${plural(s.configurations, 'configuration document', 'configuration documents')} not checked (use --config)`,
    );
  }
  if (s.exempt > 0) parts.push(`${s.exempt} exempt`);
  return `${parts.join('; ')}.`;
}

/** Problems go to stderr as `file:line:col: message`. */
export function formatProblem(p: InputProblem): string {
  const at = p.position === undefined ? p.file : `${p.file}:${p.position.line}:${p.position.column}`;
  return `${at}: ${p.message}`;
}
