import type { InputProblem, NamespaceEvent, ObjectVerdict } from '../model.ts';
import { displayKind } from '../kinds.ts';
import type { Reporter } from './reporter.ts';

type Write = (s: string) => void;

function xml(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex -- XML 1.0 cannot carry these
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  );
}

/**
 * JUnit XML: one test case per object (classname = file, name = kind/namespace/name), a failure for a refusal, and
 * warnings and audit violations in system-out; input problems are errors in their file's suite. Buffered per run
 * because the suite header carries the counts.
 */
export function createJunitReporter(write: Write): Reporter {
  const cases: string[] = [];
  let failures = 0;
  let errors = 0;
  return {
    object(v: ObjectVerdict) {
      const name = `${displayKind(v.apiVersion, v.kind)}/${v.name} (namespace ${v.namespace})`;
      const attrs = `classname="${xml(v.file)}" name="${xml(name)}" file="${xml(v.file)}" line="${v.position.line}"`;
      const out: string[] = [...v.warnings.map((w) => `Warning: ${w}`)];
      if (v.audit !== undefined && !v.audit.allowed) out.push(`audit-violations: ${v.audit.message}`);
      if (v.exempt !== undefined) out.push(`exempt: ${v.exempt}`);
      const sysout = out.length > 0 ? `<system-out>${xml(out.join('\n'))}</system-out>` : '';
      if (v.issues.length > 0) {
        errors++;
        const text = v.issues.map((i) => `${i.path}: ${i.message}`).join('\n');
        cases.push(
          `    <testcase ${attrs}><error message="invalid object" type="invalid">${xml(text)}</error>${sysout}</testcase>`,
        );
      } else if (v.refused) {
        failures++;
        cases.push(
          `    <testcase ${attrs}><failure message="${xml(v.refusal ?? '')}" type="PodSecurity">${xml(v.refusal ?? '')}</failure>${sysout}</testcase>`,
        );
      } else {
        cases.push(`    <testcase ${attrs}>${sysout}</testcase>`);
      }
    },
    namespace(e: NamespaceEvent) {
      const attrs = `classname="${xml(e.file)}" name="${xml(`namespace/${e.name}`)}" file="${xml(e.file)}" line="${e.position.line}"`;
      if (e.invalid !== undefined) {
        failures++;
        cases.push(
          `    <testcase ${attrs}><failure message="${xml(e.invalid)}" type="Invalid">${xml(e.invalid)}</failure></testcase>`,
        );
      } else {
        const sysout =
          e.warnings.length > 0
            ? `<system-out>${xml(e.warnings.map((w) => `Warning: ${w}`).join('\n'))}</system-out>`
            : '';
        cases.push(`    <testcase ${attrs}>${sysout}</testcase>`);
      }
    },
    skipped() {},
    problem(p: InputProblem) {
      errors++;
      const at = p.position === undefined ? p.file : `${p.file}:${p.position.line}:${p.position.column}`;
      cases.push(
        `    <testcase classname="${xml(p.file)}" name="${xml(at)}" file="${xml(p.file)}"><error message="${xml(p.message)}" type="input">${xml(`${at}: ${p.message}`)}</error></testcase>`,
      );
    },
    end() {
      const header = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="psa check" tests="${cases.length}" failures="${failures}" errors="${errors}">\n  <testsuite name="psa check" tests="${cases.length}" failures="${failures}" errors="${errors}">\n`;
      write(`${header}${cases.join('\n')}${cases.length > 0 ? '\n' : ''}  </testsuite>\n</testsuites>\n`);
    },
  };
}
