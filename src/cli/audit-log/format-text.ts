/** `psa audit-log` text output: a summary, a table per namespace and its owners, the exemptions, the bad lines. */
import type { Palette } from '../output/color.ts';
import type { AuditLogReport, ExemptionReport, NamespaceReport, TallyReport } from './report.ts';

/** Bad lines printed in text output at most (JSON lists up to MAX_LISTED_BAD_LINES). */
export const MAX_PRINTED_BAD_LINES = 20;

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function formatColumns(rows: readonly (readonly string[])[], indent = ''): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '))
    .map((line) => `${line.trimEnd()}\n`)
    .join('');
}

function checks(record: Readonly<Record<string, number>>): string {
  const entries = Object.entries(record);
  return entries.length === 0 ? '-' : entries.map(([check, n]) => `${check} (${String(n)})`).join(', ');
}

function exemptCell(tally: TallyReport): string {
  const { namespace, user, runtimeClass } = tally.exempt;
  const parts: string[] = [];
  if (namespace > 0) parts.push(`namespace ${String(namespace)}`);
  if (user > 0) parts.push(`user ${String(user)}`);
  if (runtimeClass > 0) parts.push(`runtimeClass ${String(runtimeClass)}`);
  return parts.length === 0 ? '-' : parts.join(', ');
}

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

function namespaceBlock(ns: NamespaceReport, c: Palette): string {
  const policy = ns.enforcePolicy === undefined ? '' : ` (enforce ${ns.enforcePolicy})`;
  let out = `\n${c.bold(ns.name === '' ? '(cluster-scoped)' : ns.name)}${policy}: ${plural(ns.events, 'event', 'events')}, ${String(ns.auditViolations)} audit violations, ${String(ns.refused)} refused, exempt: ${exemptCell(ns)}${ns.errors > 0 ? `, ${String(ns.errors)} errors` : ''}; ${ns.firstSeen} .. ${ns.lastSeen}\n`;
  const rows: string[][] = [['OWNER', 'AUDIT', 'REFUSED', 'EXEMPT', 'USERS']];
  for (const o of ns.owners)
    rows.push([`${o.kind}/${o.name}`, String(o.auditViolations), String(o.refused), exemptCell(o), o.users.join(', ')]);
  out += formatColumns(rows, '  ');
  if (Object.keys(ns.byCheck).length > 0) out += `  audit violations by check: ${checks(ns.byCheck)}\n`;
  if (Object.keys(ns.refusedByCheck).length > 0) out += `  refusals by check: ${c.red(checks(ns.refusedByCheck))}\n`;
  return out;
}

function ifRemoved(e: ExemptionReport): string {
  if (e.used === 0) return e.configured ? 'never used: candidate for removal' : '-';
  const r = e.ifRemoved;
  const parts: string[] = [];
  if (r.wouldBeRefused > 0) parts.push(`${String(r.wouldBeRefused)} would be refused`);
  if (r.wouldBeAllowed > 0) parts.push(`${String(r.wouldBeAllowed)} allowed`);
  if (r.stillExempt > 0) parts.push(`${String(r.stillExempt)} still exempt otherwise`);
  if (r.notReevaluated > 0) parts.push(`${String(r.notReevaluated)} unknown (no pod in the log)`);
  if (r.workloads > 0) parts.push(`${String(r.workloads)} workload objects (warned, never refused)`);
  return parts.join(', ');
}

function exemptionBlock(report: AuditLogReport, c: Palette): string {
  if (report.exemptions.length === 0) return `\nExemptions: none configured, none used\n`;
  const rows: string[][] = [['KIND', 'VALUE', 'USED', 'IF REMOVED', 'OWNER', 'EXPIRES', 'USERS']];
  for (const e of report.exemptions) {
    const value = e.value === '' ? '(runtime class not in the log)' : e.value;
    rows.push([
      e.kind,
      e.configured ? value : `${value} (not configured)`,
      String(e.used),
      ifRemoved(e),
      e.metadata?.owner ?? '-',
      e.metadata?.expires ?? '-',
      e.users.length === 0 ? '-' : e.users.join(', '),
    ]);
  }
  let out = `\n${c.bold('Exemptions')} (${report.configuration})\n${formatColumns(rows, '  ')}`;
  const refusals = report.exemptions.flatMap((e) => e.ifRemoved.refusals.map((r) => ({ e, r })));
  if (refusals.length > 0) {
    out += `\n${c.bold('Would be refused if the exemption were removed')} (pods re-evaluated from the log)\n`;
    for (const { e, r } of refusals)
      out += `  ${e.kind} ${e.value}: ${r.namespace}/${r.owner.kind}/${r.owner.name} (${plural(r.requests, 'request', 'requests')} by ${r.users.join(', ')}) at ${r.level}${r.levelFrom === 'defaults' ? ' (the configuration default)' : ''}: ${c.red(r.checks.join(', '))}\n`;
  }
  const unknown = report.exemptions.reduce((n, e) => n + e.ifRemoved.notReevaluated, 0);
  if (unknown > 0)
    out += `  ${c.dim(`${plural(unknown, 'exempt pod request is', 'exempt pod requests are')} logged without the pod (audit level Metadata): log pods at level Request to re-evaluate them`)}\n`;
  return out;
}

/** The whole text report. */
export function formatAuditLogText(report: AuditLogReport, c: Palette): string {
  const { events, window } = report;
  let out = `${c.bold('Audit log')}: ${plural(events.read, 'event', 'events')} read, ${plural(events.podSecurity, 'Pod Security event', 'Pod Security events')}`;
  if (events.outsideWindow > 0) out += ` (${String(events.outsideWindow)} outside the window)`;
  out += `, ${plural(events.badLines, 'bad line', 'bad lines')}\n`;
  out += `Window: ${window.from || '-'} .. ${window.until || '-'}\n`;
  const totals = report.namespaces.reduce(
    (t, ns) => ({ audit: t.audit + ns.auditViolations, refused: t.refused + ns.refused, errors: t.errors + ns.errors }),
    { audit: 0, refused: 0, errors: 0 },
  );
  out += `Audit violations: ${String(totals.audit)}, refused: ${totals.refused > 0 ? c.red(String(totals.refused)) : '0'}, evaluation errors: ${String(totals.errors)}\n`;
  for (const ns of report.namespaces) out += namespaceBlock(ns, c);
  out += exemptionBlock(report, c);
  if (report.badLines.length > 0) {
    out += `\n${c.bold('Bad lines')} (${String(events.badLines)}, not audit events; skipped)\n`;
    for (const bad of report.badLines.slice(0, MAX_PRINTED_BAD_LINES))
      out += `  ${bad.file}:${String(bad.line)}: ${bad.reason}\n`;
    if (events.badLines > MAX_PRINTED_BAD_LINES)
      out += `  ... and ${String(events.badLines - MAX_PRINTED_BAD_LINES)} more (-o json lists up to 100)\n`;
  }
  return out;
}
