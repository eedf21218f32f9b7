/**
 * `-o github`: GitHub Actions workflow commands, so findings appear as annotations on the pull request's files:
 * `::error` for refusals and input errors, `::warning` for warn-mode violations, `::notice` for audit-only ones.
 */
import { displayKind } from '../kinds.ts';
import type { CheckSummary, InputProblem, NamespaceEvent, ObjectVerdict } from '../model.ts';
import { PLAIN_PALETTE } from './color.ts';
import type { Reporter } from './reporter.ts';
import { outcomeLine, summaryLine } from './text.ts';

type Write = (s: string) => void;

export const AnnotationLevels = { error: 'error', warning: 'warning', notice: 'notice' } as const;
export type AnnotationLevel = (typeof AnnotationLevels)[keyof typeof AnnotationLevels];

/** Where an annotation points; `-` (standard input) has no file to point at. */
export interface AnnotationProperties {
  readonly file: string;
  readonly line?: number | undefined;
  readonly col?: number | undefined;
  readonly title: string;
}

/** GitHub's escaping of a command's message: `%`, CR and LF (in that order, so `%` is not escaped twice). */
export function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/** GitHub's escaping of a property value: the message's escapes plus `:` and `,`, which delimit properties. */
export function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

/** One workflow command line: `::error file=a.yaml,line=3,col=1,title=...::message`. */
export function formatAnnotation(level: AnnotationLevel, where: AnnotationProperties, message: string): string {
  const props: string[] = [];
  if (where.file !== '-' && where.file !== '') props.push(`file=${escapeProperty(where.file)}`);
  if (where.line !== undefined) props.push(`line=${where.line}`);
  if (where.col !== undefined) props.push(`col=${where.col}`);
  props.push(`title=${escapeProperty(where.title)}`);
  return `::${level} ${props.join(',')}::${escapeData(message)}\n`;
}

export function createGithubReporter(write: Write): Reporter {
  return {
    object(v: ObjectVerdict) {
      // Invalid fields arrive through problem(), one annotation each.
      if (v.issues.length > 0) return;
      const at = { file: v.file, line: v.position.line, col: v.position.column };
      const ref = `${displayKind(v.apiVersion, v.kind)}/${v.name}`;
      if (v.refused && v.enforce !== undefined) {
        const what = v.category === 'pod' ? 'would be refused' : 'its pods would be refused';
        write(
          formatAnnotation(
            'error',
            { ...at, title: `Pod Security: ${ref} ${what} (enforce ${v.enforce.level}:${v.enforce.version})` },
            v.refusal ?? v.enforce.message,
          ),
        );
      }
      for (const w of v.warnings)
        write(formatAnnotation('warning', { ...at, title: `Pod Security: ${ref} (warn ${modeText(v.warn)})` }, w));
      if (v.audit !== undefined && !v.audit.allowed && !v.warnings.includes(v.audit.message) && !v.refused)
        write(
          formatAnnotation(
            'notice',
            { ...at, title: `Pod Security: ${ref} (audit ${modeText(v.audit)})` },
            v.audit.message,
          ),
        );
      if (v.policyError !== undefined)
        write(
          formatAnnotation('warning', { ...at, title: `Pod Security: namespace ${v.namespace} labels` }, v.policyError),
        );
    },
    namespace(e: NamespaceEvent) {
      const at = { file: e.file, line: e.position.line, col: e.position.column };
      if (e.invalid !== undefined)
        write(formatAnnotation('error', { ...at, title: `Pod Security: namespace/${e.name} is invalid` }, e.invalid));
      for (const w of e.warnings)
        write(formatAnnotation('warning', { ...at, title: `Pod Security: namespace/${e.name}` }, w));
    },
    skipped() {},
    problem(p: InputProblem) {
      write(
        formatAnnotation(
          'error',
          { file: p.file, line: p.position?.line, col: p.position?.column, title: 'psa: invalid input' },
          p.message,
        ),
      );
    },
    end(s: CheckSummary) {
      write(`${summaryLine(s)}\n${outcomeLine(s, PLAIN_PALETTE)}\n`);
    },
  };
}

function modeText(m: { readonly level: string; readonly version: string } | undefined): string {
  return m === undefined ? '' : `${m.level}:${m.version}`;
}
