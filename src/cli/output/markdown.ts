/**
 * `-o markdown`: a report for a pull request comment or a GitHub job summary (`$GITHUB_STEP_SUMMARY`): the summary
 * line, a table of findings (refusals first) and the input errors. Rows are kept until the end to sort them; the table
 * is capped so a huge input stays under GitHub's 1 MiB summary limit.
 */
import { displayKind } from '../kinds.ts';
import type { CheckSummary, InputProblem, NamespaceEvent, ObjectVerdict } from '../model.ts';
import { PLAIN_PALETTE } from './color.ts';
import type { Reporter } from './reporter.ts';
import { where } from './reporter.ts';
import { outcomeLine, summaryLine } from './text.ts';

type Write = (s: string) => void;

/** Rows shown at most; the rest is counted. */
export const MARKDOWN_MAX_ROWS = 500;

const Severity = { refused: 0, warning: 1, audit: 2 } as const;
type Severity = (typeof Severity)[keyof typeof Severity];
const LABEL: Readonly<Record<Severity, string>> = { 0: '❌ refused', 1: '⚠️ warning', 2: 'ℹ️ audit' };

interface Row {
  readonly severity: Severity;
  readonly object: string;
  readonly location: string;
  readonly message: string;
}

/** Escapes text for a table cell: Markdown's punctuation, HTML's brackets, the cell separator and line breaks. */
export function escapeCell(text: string): string {
  return text
    .replace(/[\\`*_[\]#|~]/g, (c) => `\\${c}`)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replace(/\r?\n/g, '<br>');
}

/** A code span holding any text (a backtick fence longer than any backtick run inside). */
function code(text: string): string {
  const runs = text.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  return `${fence}${text.replaceAll('|', '\\|')}${fence}`;
}

export function createMarkdownReporter(write: Write): Reporter {
  const rows: Row[] = [];
  const problems: string[] = [];
  return {
    object(v: ObjectVerdict) {
      if (v.issues.length > 0) return;
      const object = `${code(`${displayKind(v.apiVersion, v.kind)}/${v.name}`)} (namespace ${escapeCell(v.namespace)})`;
      const location = code(`${v.file}:${v.position.line}`);
      if (v.refused) rows.push({ severity: Severity.refused, object, location, message: v.refusal ?? '' });
      for (const w of v.warnings) rows.push({ severity: Severity.warning, object, location, message: w });
      if (v.audit !== undefined && !v.audit.allowed && !v.refused && !v.warnings.includes(v.audit.message))
        rows.push({ severity: Severity.audit, object, location, message: v.audit.message });
    },
    namespace(e: NamespaceEvent) {
      const object = code(`namespace/${e.name}`);
      const location = code(`${e.file}:${e.position.line}`);
      if (e.invalid !== undefined) rows.push({ severity: Severity.refused, object, location, message: e.invalid });
      for (const w of e.warnings) rows.push({ severity: Severity.warning, object, location, message: w });
    },
    skipped() {},
    problem(p: InputProblem) {
      problems.push(`- ${code(where(p))}: ${escapeCell(p.message)}`);
    },
    end(s: CheckSummary) {
      const out: string[] = ['## Pod Security check', ''];
      out.push(`**${outcomeLine(s, PLAIN_PALETTE)}** ${escapeCell(summaryLine(s))}`, '');
      if (rows.length > 0) {
        // Stable sort: refusals first, then warnings, then audit, each in input order.
        const sorted = [...rows].sort((a, b) => a.severity - b.severity);
        out.push('| Result | Object | Location | Message |', '| --- | --- | --- | --- |');
        for (const r of sorted.slice(0, MARKDOWN_MAX_ROWS))
          out.push(`| ${LABEL[r.severity]} | ${r.object} | ${r.location} | ${escapeCell(r.message)} |`);
        if (sorted.length > MARKDOWN_MAX_ROWS)
          out.push('', `_…and ${sorted.length - MARKDOWN_MAX_ROWS} more findings (see the SARIF report or the log)._`);
        out.push('');
      }
      if (problems.length > 0) {
        out.push(`### ${problems.length === 1 ? '1 input error' : `${problems.length} input errors`}`, '');
        out.push(...problems.slice(0, MARKDOWN_MAX_ROWS));
        if (problems.length > MARKDOWN_MAX_ROWS) out.push(`- _…and ${problems.length - MARKDOWN_MAX_ROWS} more._`);
        out.push('');
      }
      write(out.join('\n'));
    },
  };
}
