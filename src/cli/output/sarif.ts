import { checkCatalogue } from '../../policy/index.ts';
import type { InputProblem, NamespaceEvent, ObjectVerdict } from '../model.ts';
import { displayKind } from '../kinds.ts';
import type { Reporter } from './reporter.ts';

type Write = (s: string) => void;

const INPUT_RULE = 'invalid-input';
const NAMESPACE_RULE = 'invalid-namespace-labels';
const INFO_URI = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/';

interface Rule {
  readonly id: string;
  readonly name: string;
  readonly shortDescription: { readonly text: string };
  readonly fullDescription: { readonly text: string };
  readonly helpUri: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** One SARIF rule per Pod Security check (upstream's check IDs), plus two for input and namespace-label errors. */
export function sarifRules(): Rule[] {
  const rules: Rule[] = checkCatalogue.map((c) => ({
    id: c.id,
    name: c.id,
    shortDescription: { text: c.summary },
    fullDescription: {
      text: `${c.summary} (${c.level} level; fields: ${c.fields.join(', ')}; behaviour changes at ${c.versions.join(', ')})`,
    },
    helpUri: INFO_URI,
    properties: {
      level: c.level,
      versions: c.versions,
      fields: c.fields,
      tags: ['security', 'kubernetes', 'pod-security', c.level],
    },
  }));
  rules.push({
    id: INPUT_RULE,
    name: INPUT_RULE,
    shortDescription: { text: 'The manifest could not be read or decoded' },
    fullDescription: {
      text: 'Broken YAML or JSON, a wrongly typed field, an unknown kind: the API server would reject it.',
    },
    helpUri: INFO_URI,
    properties: { tags: ['input'] },
  });
  rules.push({
    id: NAMESPACE_RULE,
    name: NAMESPACE_RULE,
    shortDescription: { text: 'Invalid Pod Security namespace labels' },
    fullDescription: {
      text: 'The API server refuses a Namespace whose pod-security.kubernetes.io labels do not parse.',
    },
    helpUri: INFO_URI,
    properties: { tags: ['security', 'kubernetes', 'pod-security'] },
  });
  return rules;
}

function uri(file: string): string {
  if (file === '-') return 'stdin';
  return file.split('/').map(encodeURIComponent).join('/');
}

function location(file: string, line: number | undefined, column: number | undefined): unknown {
  const region =
    line === undefined ? undefined : { startLine: line, ...(column === undefined ? {} : { startColumn: column }) };
  return { physicalLocation: { artifactLocation: { uri: uri(file) }, ...(region === undefined ? {} : { region }) } };
}

/**
 * SARIF 2.1.0: a result per (object, failed check), at the most severe mode that flags it: `error` when the object (or
 * its controller's pods) would be refused, `warning` for warn-mode violations, `note` for audit-only ones.
 */
export function createSarifReporter(write: Write, toolVersion = '0.1.0'): Reporter {
  const rules = sarifRules();
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  let first = true;
  const emit = (result: unknown): void => {
    write(`${first ? '\n' : ',\n'}${JSON.stringify(result)}`);
    first = false;
  };
  const run = {
    tool: {
      driver: {
        name: 'psa',
        fullName: 'psa (kube-psa): Kubernetes Pod Security Admission, offline',
        version: toolVersion,
        informationUri: 'https://github.com/kube-psa/psa',
        rules,
      },
    },
  };
  const head = JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [run],
  });
  // Open the run's results array by cutting the closing brackets of the header.
  write(`${head.slice(0, -3)},"results":[`);
  return {
    object(v: ObjectVerdict) {
      const ref = `${displayKind(v.apiVersion, v.kind)}/${v.name} (namespace ${v.namespace})`;
      if (v.issues.length > 0) {
        for (const i of v.issues) {
          emit({
            ruleId: INPUT_RULE,
            ruleIndex: ruleIndex.get(INPUT_RULE),
            level: 'error',
            message: { text: `${ref}: ${i.path}: ${i.message}` },
            locations: [location(v.file, i.position?.line, i.position?.column)],
          });
        }
        return;
      }
      const seen = new Set<string>();
      const modes = [
        {
          verdict: v.refused ? v.enforce : undefined,
          level: 'error',
          what: v.category === 'pod' ? 'would be refused' : "the controller's pods would be refused",
        },
        { verdict: v.warnings.length > 0 ? v.warn : undefined, level: 'warning', what: 'warning' },
        { verdict: v.audit, level: 'note', what: 'audit violation' },
      ];
      for (const m of modes) {
        const verdict = m.verdict;
        if (verdict === undefined || verdict.allowed) continue;
        verdict.checkIds.forEach((checkId, i) => {
          if (seen.has(checkId)) return;
          seen.add(checkId);
          const reason = verdict.forbiddenReasons[i] ?? checkId;
          emit({
            ruleId: checkId,
            ...(ruleIndex.has(checkId) ? { ruleIndex: ruleIndex.get(checkId) } : {}),
            level: m.level,
            message: {
              text: `${ref}: ${reason} (${m.what} at ${verdict.level}:${verdict.version}): ${verdict.message}`,
            },
            locations: [location(v.file, v.position.line, v.position.column)],
            properties: {
              mode: verdict.mode,
              policy: `${verdict.level}:${verdict.version}`,
              kind: v.kind,
              namespace: v.namespace,
              name: v.name,
            },
          });
        });
      }
    },
    namespace(e: NamespaceEvent) {
      if (e.invalid === undefined) return;
      emit({
        ruleId: NAMESPACE_RULE,
        ruleIndex: ruleIndex.get(NAMESPACE_RULE),
        level: 'error',
        message: { text: e.invalid },
        locations: [location(e.file, e.position.line, e.position.column)],
      });
    },
    skipped() {},
    problem(p: InputProblem) {
      emit({
        ruleId: INPUT_RULE,
        ruleIndex: ruleIndex.get(INPUT_RULE),
        level: 'error',
        message: { text: p.message },
        locations: [location(p.file, p.position?.line, p.position?.column)],
      });
    },
    end() {
      write(`${first ? '' : '\n'}]}]}\n`);
    },
  };
}
