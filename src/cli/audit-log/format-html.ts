/**
 * `psa audit-log -o html`: the report as one self-contained page on the shared report shell
 * (src/cli/output/html-report.ts): summary cards, a timeline per day and per namespace, the namespaces and their
 * owners, the exemptions with what removing each would refuse, and the bad lines.
 */
import {
  badge,
  markup,
  renderHtmlReport,
  type SafeHtml,
  sortableTable,
  stackedBarChart,
  type SummaryCard,
  Tones,
} from '../output/html-report.ts';
import type { AuditLogReport, ExemptionReport } from './report.ts';

const SERIES = [
  { name: 'audit violations', tone: Tones.warn },
  { name: 'refused', tone: Tones.bad },
  { name: 'exempt', tone: Tones.info },
] as const;

function checks(record: Readonly<Record<string, number>>): string {
  return Object.entries(record)
    .map(([check, n]) => `${check} (${String(n)})`)
    .join(', ');
}

function timeline(report: AuditLogReport): SafeHtml {
  const days = new Map<string, [number, number, number]>();
  for (const ns of report.namespaces)
    for (const [day, c] of Object.entries(ns.days)) {
      const v = days.get(day) ?? [0, 0, 0];
      days.set(day, [v[0] + c.auditViolations, v[1] + c.refused, v[2] + c.exempt]);
    }
  const perDay = stackedBarChart({
    title: 'Per day (UTC)',
    series: SERIES,
    bars: [...days].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([label, values]) => ({ label, values })),
  });
  const perNamespace = stackedBarChart({
    title: 'Per namespace',
    series: SERIES,
    bars: report.namespaces.map((ns) => ({
      label: ns.name === '' ? '(cluster-scoped)' : ns.name,
      values: [ns.auditViolations, ns.refused, ns.exempt.namespace + ns.exempt.user + ns.exempt.runtimeClass],
    })),
  });
  const rows = report.namespaces.flatMap((ns) =>
    Object.entries(ns.days).map(([day, c]) => [day, ns.name, c.auditViolations, c.refused, c.exempt]),
  );
  const table = sortableTable({
    columns: [
      { label: 'Day' },
      { label: 'Namespace' },
      { label: 'Audit violations', numeric: true },
      { label: 'Refused', numeric: true },
      { label: 'Exempt', numeric: true },
    ],
    rows,
    empty: 'No Pod Security events in the window.',
  });
  return markup`${perDay}${perNamespace}${table}`;
}

function namespaces(report: AuditLogReport): SafeHtml {
  const rows = report.namespaces.flatMap((ns) =>
    ns.owners.map((o) => [
      ns.name,
      `${o.kind}/${o.name}`,
      o.auditViolations,
      o.refused === 0 ? 0 : { display: badge(String(o.refused), Tones.bad), sort: o.refused },
      o.exempt.namespace + o.exempt.user + o.exempt.runtimeClass,
      o.errors,
      checks(o.byCheck),
      checks(o.refusedByCheck),
      o.users.join(', '),
      o.firstSeen,
      o.lastSeen,
    ]),
  );
  return sortableTable({
    columns: [
      { label: 'Namespace' },
      { label: 'Owner' },
      { label: 'Audit', numeric: true },
      { label: 'Refused', numeric: true },
      { label: 'Exempt', numeric: true },
      { label: 'Errors', numeric: true },
      { label: 'Audit violations by check' },
      { label: 'Refusals by check' },
      { label: 'Users' },
      { label: 'First seen' },
      { label: 'Last seen' },
    ],
    rows,
    empty: 'No Pod Security events in the window.',
  });
}

function usage(e: ExemptionReport): SafeHtml | string {
  if (e.removalCandidate) return badge('never used: candidate for removal', Tones.warn);
  if (!e.configured) return badge('not in the configuration', Tones.muted);
  const r = e.ifRemoved;
  if (r.wouldBeRefused > 0) return badge(`${String(r.wouldBeRefused)} would be refused`, Tones.bad);
  if (r.notReevaluated > 0)
    return badge(`${String(r.notReevaluated)} not re-evaluated (no pod in the log)`, Tones.muted);
  return badge('nothing would be refused', Tones.good);
}

function exemptions(report: AuditLogReport): SafeHtml {
  const table = sortableTable({
    columns: [
      { label: 'Kind' },
      { label: 'Value' },
      { label: 'Used', numeric: true },
      { label: 'If removed' },
      { label: 'Owner' },
      { label: 'Expires' },
      { label: 'Reason' },
      { label: 'Users' },
    ],
    rows: report.exemptions.map((e) => [
      e.kind,
      e.value === '' ? '(runtime class not in the log)' : e.value,
      e.used,
      { display: usage(e), sort: e.ifRemoved.wouldBeRefused },
      e.metadata?.owner ?? '',
      e.metadata?.expires ?? '',
      e.metadata?.reason ?? '',
      e.users.join(', '),
    ]),
    empty: 'No exemptions configured or used.',
  });
  const refusals = report.exemptions.flatMap((e) =>
    e.ifRemoved.refusals.map((r) => [
      `${e.kind} ${e.value}`,
      `${r.namespace}/${r.owner.kind}/${r.owner.name}`,
      r.requests,
      `${r.level}${r.levelFrom === 'defaults' ? ' (default)' : ''}`,
      r.checks.join(', '),
      r.users.join(', '),
    ]),
  );
  const refusalTable = sortableTable({
    columns: [
      { label: 'Exemption' },
      { label: 'Workload' },
      { label: 'Requests', numeric: true },
      { label: 'Level' },
      { label: 'Checks' },
      { label: 'Users' },
    ],
    rows: refusals,
    empty: 'Removing any exemption would refuse none of the pods the log carries.',
  });
  return markup`${table}<h3>Would be refused if the exemption were removed</h3>${refusalTable}`;
}

/** The page. */
export function formatAuditLogHtml(report: AuditLogReport): string {
  const total = (pick: (ns: AuditLogReport['namespaces'][number]) => number): number =>
    report.namespaces.reduce((n, ns) => n + pick(ns), 0);
  const refused = total((ns) => ns.refused);
  const unused = report.exemptions.filter((e) => e.removalCandidate).length;
  const cards: SummaryCard[] = [
    { label: 'Events read', value: report.events.read, detail: `${String(report.events.podSecurity)} Pod Security` },
    { label: 'Audit violations', value: total((ns) => ns.auditViolations), tone: Tones.warn },
    { label: 'Refused', value: refused, tone: refused > 0 ? Tones.bad : Tones.good },
    {
      label: 'Exempt',
      value: total((ns) => ns.exempt.namespace + ns.exempt.user + ns.exempt.runtimeClass),
      tone: Tones.info,
    },
    { label: 'Unused exemptions', value: unused, tone: unused > 0 ? Tones.warn : Tones.good },
    {
      label: 'Bad lines',
      value: report.events.badLines,
      tone: report.events.badLines > 0 ? Tones.warn : Tones.muted,
    },
  ];
  const bad = sortableTable({
    columns: [{ label: 'File' }, { label: 'Line', numeric: true }, { label: 'Reason' }],
    rows: report.badLines.map((b) => [b.file, b.line, b.reason]),
    empty: 'Every line was an audit event.',
  });
  return renderHtmlReport({
    title: 'Pod Security in the audit log',
    subtitle: `${report.window.from || '-'} .. ${report.window.until || '-'}`,
    meta: [
      ['Configuration', report.configuration],
      ['Events', `${String(report.events.read)} read, ${String(report.events.podSecurity)} Pod Security`],
    ],
    cards,
    sections: [
      { id: 'timeline', title: 'Timeline', body: timeline(report) },
      {
        id: 'namespaces',
        title: 'Namespaces and owners',
        intro: 'Owners come from the request (workload objects), the pod name and the controller that sent it.',
        body: namespaces(report),
      },
      {
        id: 'exemptions',
        title: 'Exemptions',
        intro:
          'Each exemption of the configuration: how often it let a request through, and what removing it would refuse (pods re-evaluated when the log carries them).',
        body: exemptions(report),
      },
      { id: 'bad-lines', title: 'Bad lines', body: bad },
    ],
    footer: markup`Generated by psa audit-log`,
  });
}
