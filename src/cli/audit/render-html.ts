/** `psa audit -o html FILE`: the report as one self-contained page (see ../output/html-report.ts). */
import type { Level } from '../../api/index.ts';
import { checkCatalogue } from '../../policy/index.ts';
import {
  badge,
  codeBlock,
  markup,
  renderHtmlReport,
  sortableTable,
  stackedBarChart,
  type ReportSection,
  type SafeHtml,
  type TableCell,
  type Tone,
} from '../output/html-report.ts';
import type { AuditReport, NamespaceReport } from './report.ts';

/** Namespaces drawn in the chart; the rest are in the table. */
const CHART_NAMESPACES = 40;
const LEVEL_TONE: Readonly<Record<Level, Tone>> = { privileged: 'bad', baseline: 'warn', restricted: 'good' };
const LEVEL_RANK: Readonly<Record<Level, number>> = { privileged: 0, baseline: 1, restricted: 2 };
const CHECK_LEVEL = new Map(checkCatalogue.map((c) => [c.id, c.level]));

function levelBadge(level: Level): SafeHtml {
  return badge(level, LEVEL_TONE[level]);
}

function levelCell(lv: string): TableCell {
  const level = lv.slice(0, lv.indexOf(':')) as Level;
  const version = lv.slice(lv.indexOf(':') + 1);
  return {
    display: markup`${levelBadge(level)}${version === 'latest' ? '' : markup` <small>${version}</small>`}`,
    sort: `${LEVEL_RANK[level]}${lv}`,
  };
}

function warnAuditCell(ns: NamespaceReport): TableCell {
  if (ns.current.warn === ns.current.audit) return levelCell(ns.current.warn);
  const warn = levelCell(ns.current.warn) as { display: SafeHtml; sort: string };
  const audit = levelCell(ns.current.audit) as { display: SafeHtml; sort: string };
  return { display: markup`${warn.display} / ${audit.display}`, sort: warn.sort };
}

function count(n: number, tone: Tone): TableCell {
  return { display: n === 0 ? markup`<span class="zero">0</span>` : badge(String(n), tone), sort: n };
}

function recommendedCell(ns: NamespaceReport): TableCell {
  if (ns.exempt) return { display: badge('exempt', 'muted'), sort: '' };
  const enforce = ns.recommended['pod-security.kubernetes.io/enforce'] ?? '';
  const warn = ns.recommended['pod-security.kubernetes.io/warn'] ?? '';
  const text = warn === enforce ? `enforce=${enforce}` : `enforce=${enforce}, warn/audit=${warn}`;
  const display =
    warn === enforce
      ? levelBadge(enforce as Level)
      : markup`${levelBadge(enforce as Level)} <small>warn/audit</small> ${levelBadge(warn as Level)}`;
  return { display: markup`<span title="${text}">${display}</span>`, sort: `${LEVEL_RANK[enforce as Level]}${text}` };
}

function levelsChart(report: AuditReport): SafeHtml {
  const ranked = [...report.namespaces]
    .filter((ns) => ns.pods > 0)
    .sort((a, b) => b.levels.restricted.refused - a.levels.restricted.refused || b.pods - a.pods)
    .slice(0, CHART_NAMESPACES);
  return stackedBarChart({
    title: 'Pods by the strictest level they meet',
    unit: 'pods',
    unitOne: 'pod',
    series: [
      { name: 'meet restricted', tone: 'good' },
      { name: 'meet baseline only', tone: 'warn' },
      { name: 'need privileged', tone: 'bad' },
    ],
    bars: ranked.map((ns) => ({
      label: ns.name,
      values: [
        ns.pods - ns.levels.restricted.refused,
        ns.levels.restricted.refused - ns.levels.baseline.refused,
        ns.levels.baseline.refused,
      ],
    })),
  });
}

function checksChart(report: AuditReport): SafeHtml {
  const totals = new Map<string, number>();
  for (const ns of report.namespaces)
    for (const [check, n] of Object.entries(ns.levels.restricted.checks))
      totals.set(check, (totals.get(check) ?? 0) + n);
  const bars = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return stackedBarChart({
    title: 'Pods refused at restricted, by check',
    unit: 'pods',
    unitOne: 'pod',
    series: [
      { name: 'baseline check', tone: 'bad' },
      { name: 'restricted check', tone: 'warn' },
    ],
    bars: bars.map(([check, n]) => ({
      label: check,
      values: CHECK_LEVEL.get(check) === 'baseline' ? [n, 0] : [0, n],
    })),
  });
}

function namespaceTable(report: AuditReport): SafeHtml {
  return sortableTable({
    id: 'namespaces',
    columns: [
      { label: 'Namespace' },
      { label: 'Enforce' },
      { label: 'Warn / audit' },
      { label: 'Pods', numeric: true },
      { label: 'Refused now', numeric: true },
      { label: 'Refused at baseline', numeric: true },
      { label: 'Refused at restricted', numeric: true },
      { label: 'Strictest met' },
      { label: 'Recommended' },
    ],
    rows: report.namespaces.map((ns) => [
      {
        display: markup`<b>${ns.name}</b>${ns.exempt ? markup` ${badge('exempt', 'muted')}` : ''}${ns.policyError === undefined ? '' : markup` ${badge('invalid labels', 'bad')}`}`,
        sort: ns.name,
      },
      levelCell(ns.current.enforce),
      warnAuditCell(ns),
      ns.pods,
      count(ns.refusedAtCurrent, 'bad'),
      count(ns.levels.baseline.refused, 'warn'),
      count(ns.levels.restricted.refused, 'info'),
      { display: levelBadge(ns.strictestLevel), sort: LEVEL_RANK[ns.strictestLevel] },
      recommendedCell(ns),
    ]),
  });
}

function ownerTable(report: AuditReport): SafeHtml {
  const rows: TableCell[][] = [];
  for (const ns of report.namespaces) {
    const atBaseline = new Set(ns.levels.baseline.owners.map((o) => `${o.kind}/${o.name}`));
    for (const owner of ns.levels.restricted.owners) {
      const ref = `${owner.kind}/${owner.name}`;
      const first: Level = atBaseline.has(ref) ? 'baseline' : 'restricted';
      rows.push([
        ns.name,
        { display: markup`<code>${ref}</code>`, sort: ref },
        owner.pods,
        { display: badge(first, first === 'baseline' ? 'warn' : 'info'), sort: LEVEL_RANK[first] },
        {
          display: Object.entries(owner.reasons).map(
            ([reason, n], i) => markup`${i > 0 ? markup`<br>` : ''}${reason} <small>(${n})</small>`,
          ),
          sort: Object.keys(owner.reasons).join(', '),
        },
      ]);
    }
  }
  return sortableTable({
    id: 'owners',
    columns: [
      { label: 'Namespace' },
      { label: 'Owner' },
      { label: 'Pods', numeric: true },
      { label: 'First refused at' },
      { label: 'Reasons (pods)' },
    ],
    rows,
    empty: 'Every pod meets restricted.',
  });
}

function workloadSection(report: AuditReport): ReportSection | undefined {
  const rows: TableCell[][] = [];
  for (const ns of report.namespaces)
    for (const w of ns.workloads)
      for (const warning of w.warnings)
        rows.push([
          ns.name,
          { display: markup`<code>${w.kind}/${w.name}</code>`, sort: `${w.kind}/${w.name}` },
          warning,
        ]);
  if (rows.length === 0) return undefined;
  return {
    id: 'workloads',
    title: 'Workload warnings',
    intro: 'What the API server would answer if each workload were applied now, at the current labels.',
    body: sortableTable({
      id: 'workload-warnings',
      columns: [{ label: 'Namespace' }, { label: 'Workload' }, { label: 'Warning' }],
      rows,
    }),
  };
}

function planSection(report: AuditReport): ReportSection {
  const plan = report.plan;
  const parts: SafeHtml[] = [];
  parts.push(
    plan.kubectl.length === 0
      ? markup`<p>Every namespace already carries the recommended labels.</p>`
      : markup`<h3>Label each namespace</h3><p class="intro">Enforce the strictest level its pods meet; warn and audit one level above so new violations show up before they are enforced.</p>${codeBlock(plan.kubectl.join('\n'), { label: 'shell' })}`,
  );
  if (plan.privilegedNamespaces.length > 0 && plan.talosPatch !== '') {
    parts.push(
      markup`<h3>Or exempt what must stay privileged</h3><p class="intro">${plan.privilegedNamespaces.length} namespaces need privileged: ${plan.privilegedNamespaces.join(', ')}. Instead of labelling them, exempt them in the cluster configuration.</p>${codeBlock(plan.talosPatch, { label: 'Talos machine-config patch' })}${codeBlock(plan.podSecurityConfiguration, { label: 'PodSecurityConfiguration' })}`,
    );
  }
  if (plan.planLevel !== undefined) {
    const p = plan.planLevel;
    parts.push(
      markup`<h3>If every namespace enforced ${p.level}</h3><p class="intro">${p.refused} pods would be refused.</p>${sortableTable(
        {
          id: 'plan-level',
          columns: [{ label: 'Namespace' }, { label: 'Pods refused', numeric: true }, { label: 'Owners' }],
          rows: p.namespaces.map((e) => [
            e.namespace,
            e.refused,
            {
              display: e.owners.map((o, i) => markup`${i > 0 ? ', ' : ''}<code>${o.kind}/${o.name}</code> (${o.pods})`),
              sort: e.owners.length,
            },
          ]),
          empty: 'Nothing would be refused.',
        },
      )}`,
    );
  }
  return { id: 'plan', title: 'Rollout plan', intro: 'psa never applies anything: review, then run.', body: parts };
}

export function renderHtml(report: AuditReport): string {
  const s = report.summary;
  const sections: ReportSection[] = [
    {
      id: 'levels',
      title: 'Levels met',
      intro:
        report.namespaces.length > CHART_NAMESPACES
          ? `The ${CHART_NAMESPACES} namespaces with the most pods refused at restricted; all of them are in the table below.`
          : 'Each namespace’s pods by the strictest level they meet at latest.',
      body: [levelsChart(report), checksChart(report)],
    },
    {
      id: 'namespaces-section',
      title: 'Namespaces',
      intro: 'Click a column header to sort.',
      body: namespaceTable(report),
    },
    {
      id: 'owners-section',
      title: 'Refused pods by owner',
      intro:
        'Top owners (Deployment through its ReplicaSet, CronJob through its Job) of the pods restricted would refuse.',
      body: ownerTable(report),
    },
  ];
  const workloads = workloadSection(report);
  if (workloads !== undefined) sections.push(workloads);
  sections.push(planSection(report));
  if (!report.complete)
    sections.push({
      id: 'errors',
      title: 'Incomplete',
      intro: 'These could not be read; the figures cover only what was.',
      body: markup`<ul>${report.errors.map((e) => markup`<li><code>${e}</code></li>`)}</ul>`,
    });
  return renderHtmlReport({
    title: 'Pod Security audit',
    subtitle: report.source,
    meta: [
      ['configuration', report.configuration],
      ['generated', report.generatedAt],
      ['complete', report.complete ? 'yes' : 'no'],
      ...(report.version === undefined ? [] : ([['also at', report.version]] as [string, string][])),
    ],
    cards: [
      { label: 'Namespaces', value: s.namespaces, detail: `${s.exemptNamespaces} exempt`, tone: 'info' },
      { label: 'Pods', value: s.pods, tone: 'neutral' },
      {
        label: 'Refused now',
        value: s.refusedAtCurrentLabels,
        detail: 'at the current labels',
        tone: s.refusedAtCurrentLabels > 0 ? 'bad' : 'good',
      },
      {
        label: 'At baseline',
        value: s.refusedAt.baseline,
        detail: 'pods refused everywhere',
        tone: s.refusedAt.baseline > 0 ? 'warn' : 'good',
      },
      {
        label: 'At restricted',
        value: s.refusedAt.restricted,
        detail: 'pods refused everywhere',
        tone: s.refusedAt.restricted > 0 ? 'warn' : 'good',
      },
      {
        label: 'Ready for restricted',
        value: `${s.strictestLevels.restricted}/${s.namespaces}`,
        detail: 'namespaces',
        tone: 'good',
      },
    ],
    sections,
    footer: markup`psa audit · ${report.complete ? 'complete' : 'INCOMPLETE'} · ${report.generatedAt}`,
  });
}
