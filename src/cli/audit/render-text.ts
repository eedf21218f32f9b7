/** `psa audit` as text: the namespace table, then per namespace what each level would refuse and whose, then the plan. */
import type { Level } from '../../api/index.ts';
import type { Palette } from '../output/color.ts';
import type { LevelOutcome } from './aggregate.ts';
import type { AuditReport, NamespaceReport } from './report.ts';

/** Owners listed per namespace and level in text (the JSON has them all). */
const OWNERS_SHOWN = 10;

function pad(cells: readonly string[], widths: readonly number[], right: ReadonlySet<number>): string {
  return cells
    .map((cell, i) => (right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
    .join('  ')
    .trimEnd();
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function recommendation(ns: NamespaceReport): string {
  if (ns.exempt) return 'exempt (labels ignored)';
  const enforce = ns.recommended['pod-security.kubernetes.io/enforce'] ?? '';
  const warn = ns.recommended['pod-security.kubernetes.io/warn'] ?? '';
  return warn === enforce ? `enforce=${enforce}` : `enforce=${enforce}, warn/audit=${warn}`;
}

function levelLabel(ns: NamespaceReport, level: Level): string {
  return ns.current.enforce.startsWith(`${level}:`) ? `${level} (current)` : level;
}

function renderLevel(out: string[], ns: NamespaceReport, level: Level, outcome: LevelOutcome, palette: Palette): void {
  out.push(`  at ${levelLabel(ns, level)}: ${plural(outcome.refused, 'pod')} refused`);
  for (const owner of outcome.owners.slice(0, OWNERS_SHOWN)) {
    out.push(`    ${owner.kind}/${owner.name}: ${plural(owner.pods, 'pod')}: ${Object.keys(owner.reasons).join(', ')}`);
  }
  if (outcome.owners.length > OWNERS_SHOWN)
    out.push(palette.dim(`    ... and ${outcome.owners.length - OWNERS_SHOWN} more owners (see -o json)`));
}

export function renderText(report: AuditReport, palette: Palette): string {
  const out: string[] = [];
  const header = [
    'NAMESPACE',
    'ENFORCE',
    'WARN',
    'AUDIT',
    'PODS',
    'REFUSED@BASELINE',
    'REFUSED@RESTRICTED',
    'STRICTEST',
    'RECOMMENDED',
  ];
  const rows = report.namespaces.map((ns) => [
    ns.exempt ? `${ns.name} (exempt)` : ns.name,
    ns.current.enforce,
    ns.current.warn,
    ns.current.audit,
    String(ns.pods),
    String(ns.levels.baseline.refused),
    String(ns.levels.restricted.refused),
    ns.strictestLevel,
    recommendation(ns),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const right = new Set([4, 5, 6]);
  out.push(palette.bold(pad(header, widths, right)));
  for (const row of rows) out.push(pad(row, widths, right));
  const s = report.summary;
  out.push('');
  out.push(
    `${plural(s.namespaces, 'namespace')}, ${plural(s.pods, 'pod')}; refused at the current labels: ${s.refusedAtCurrentLabels}; ` +
      `if every namespace enforced baseline: ${s.refusedAt.baseline}, restricted: ${s.refusedAt.restricted}`,
  );

  const detailed = report.namespaces.filter(
    (ns) =>
      ns.levels.baseline.refused > 0 ||
      ns.levels.restricted.refused > 0 ||
      ns.workloads.length > 0 ||
      ns.policyError !== undefined,
  );
  for (const ns of detailed) {
    out.push('');
    out.push(
      palette.bold(
        `${ns.name}${ns.exempt ? ' (exempt)' : ''}: ${plural(ns.pods, 'pod')}, all meet ${ns.strictestLevel}`,
      ),
    );
    if (ns.policyError !== undefined) out.push(palette.red(`  ${ns.policyError}`));
    if (ns.refusedAtCurrent > 0)
      out.push(
        palette.red(
          `  ${plural(ns.refusedAtCurrent, 'pod')} would be refused at the current labels (enforce=${ns.current.enforce})`,
        ),
      );
    for (const level of ['baseline', 'restricted'] as const) {
      const outcome = ns.levels[level];
      if (outcome.refused > 0) renderLevel(out, ns, level, outcome, palette);
    }
    for (const [version, levels] of Object.entries(ns.versions ?? {})) {
      for (const level of ['baseline', 'restricted'] as const) {
        const outcome = levels[level];
        if (outcome.refused > 0) {
          out.push(`  at ${level}:${version}: ${plural(outcome.refused, 'pod')} refused`);
        }
      }
    }
    for (const workload of ns.workloads) {
      for (const warning of workload.warnings)
        out.push(`  ${palette.yellow('Warning:')} ${workload.kind}/${workload.name}: ${warning}`);
    }
  }

  const plan = report.plan;
  out.push('');
  out.push(palette.bold('Rollout plan'));
  if (plan.kubectl.length === 0) out.push('  Every namespace already has the recommended labels.');
  else {
    out.push('  Label each namespace at the strictest level its pods meet (warn and audit one level above):');
    for (const line of plan.kubectl) out.push(`  ${line}`);
  }
  if (plan.privilegedNamespaces.length > 0 && plan.talosPatch !== '') {
    out.push('');
    out.push(
      `  Or exempt the namespaces that need privileged (${plan.privilegedNamespaces.join(', ')}) in the cluster configuration; Talos machine-config patch:`,
    );
    for (const line of plan.talosPatch.trimEnd().split('\n')) out.push(`    ${line}`);
  }
  if (plan.planLevel !== undefined) {
    const p = plan.planLevel;
    out.push('');
    out.push(palette.bold(`If every namespace enforced ${p.level}: ${plural(p.refused, 'pod')} refused`));
    for (const entry of p.namespaces) {
      out.push(`  ${entry.namespace}${entry.exempt ? ' (exempt)' : ''}: ${plural(entry.refused, 'pod')}`);
      for (const owner of entry.owners.slice(0, OWNERS_SHOWN))
        out.push(
          `    ${owner.kind}/${owner.name}: ${plural(owner.pods, 'pod')}: ${Object.keys(owner.reasons).join(', ')}`,
        );
    }
  }
  if (!report.complete) {
    out.push('');
    out.push(
      palette.red(
        `INCOMPLETE: ${plural(report.errors.length, 'error')} while reading; the figures cover only what was read.`,
      ),
    );
  }
  return `${out.join('\n')}\n`;
}
