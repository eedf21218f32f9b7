/**
 * `psa audit-log FILE|DIR|-...`: what Pod Security did, from kube-apiserver audit logs. Streams the logs, keeps the
 * Pod Security events and reports them per namespace and owner, with each configured exemption's use.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatConfigError, resolveConfiguration } from '../../config/load.ts';
import { formatPosition } from '../../config/tree.ts';
import { readExemptionGovernance } from '../../config/exemption-metadata.ts';
import type { CliIo } from '../../process-io.ts';
import {
  booleanOption,
  choiceOption,
  listOption,
  parseCommandArgs,
  stringOption,
  UsageError,
  type OptionSpec,
} from '../args.ts';
import { formatAuditLogText } from '../audit-log/format-text.ts';
import { expandLogArguments } from '../audit-log/log-files.ts';
import { readAuditLogs } from '../audit-log/read-logs.ts';
import { buildReport, type AuditLogReport, type ConfiguredExemption } from '../audit-log/report.ts';
import { paletteFor } from '../output/color.ts';
import { ReportApis } from '../output/policy-report.ts';

/** The flags of this command (also read by `psa completion`). */
export const AUDIT_LOG_OPTIONS = {
  config: { type: 'string', short: 'c' },
  'talos-patch': { type: 'string', short: 'p', multiple: true },
  'exemption-metadata': { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  output: { type: 'string', short: 'o' },
  out: { type: 'string' },
  'report-api': { type: 'string' },
  'fail-on': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

export const AUDIT_LOG_FORMATS = ['text', 'json', 'html', 'policyreport'] as const;
type Format = (typeof AUDIT_LOG_FORMATS)[number];
export const AUDIT_LOG_FAIL_ON = ['refused', 'audit', 'never'] as const;
export const AUDIT_LOG_REPORT_APIS = ['wgpolicy', 'openreports', ReportApis.wgpolicy, ReportApis.openreports] as const;

export const AUDIT_LOG_HELP = `Usage: psa audit-log [flags] FILE|DIR|-...

Reads kube-apiserver audit logs (audit.k8s.io/v1 Event JSON lines, or EventList documents; plain or gzip; a folder is
read as one log and its rotations, oldest first) as a stream, keeps the requests Pod Security looked at (its audit
annotations, or a "violates PodSecurity" refusal) and reports, per namespace and owner workload: audit violations and
refusals by check, exemptions used, evaluation errors, first and last seen. Then each exemption of the configuration:
how often it let something through and for whom, the ones never used (candidates for removal), and the pods that
would be refused if it were removed (re-evaluated when the log carries the pod: audit level Request or above).
Lines that are not audit events are counted and listed with their line numbers, never fatal.

Flags:
  -c, --config FILE              PodSecurityConfiguration, AdmissionConfiguration or Talos machine config
                                 (default: the Talos default)
  -p, --talos-patch FILE         Talos machine-config patch applied on top (repeatable)
      --exemption-metadata FILE  owner, expiry and reason of exemptions (see 'psa config lint')
      --since TIME               only events at or after TIME: RFC 3339 (2026-12-01T00:00:00Z), a date
                                 (2026-12-01) or a duration before now (24h, 7d)
      --until TIME               only events at or before TIME (same forms)
  -o, --output FORMAT            text (default), json, html, policyreport
      --out FILE                 write the report to FILE instead of standard output (html: the page)
      --report-api API           policyreport: wgpolicy or wgpolicyk8s.io/v1alpha2 (PolicyReport, default),
                                 openreports or openreports.io/v1alpha1 (Report)
      --fail-on MODE             refused (default): exit 1 when the window holds a refusal; audit: also on audit
                                 violations; never
  -h, --help                     this help

Exit codes: 0 nothing refused in the window (see --fail-on), 1 something was, 2 usage, configuration or unreadable
files (the others are still read).
`;

const DURATION = /^(\d+(?:\.\d+)?)(s|m|h|d|w)$/;
const UNIT_MS: Readonly<Record<string, number>> = { s: 1e3, m: 60e3, h: 3600e3, d: 86_400e3, w: 604_800e3 };

/** `--since`/`--until`: an RFC 3339 time, a date (midnight UTC) or a duration before `now`. */
export function parseTimeBound(flag: string, text: string, now: number): { ms: number; iso: string } {
  const duration = DURATION.exec(text);
  if (duration !== null) {
    const ms = now - Number(duration[1]) * UNIT_MS[duration[2]!]!;
    return { ms, iso: new Date(ms).toISOString() };
  }
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Date.parse(text);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(text))
    throw new UsageError(
      `invalid value ${JSON.stringify(text)} for --${flag}: want an RFC 3339 time, a date (YYYY-MM-DD) or a duration like 24h or 7d`,
    );
  return { ms, iso: new Date(ms).toISOString() };
}

interface LoadedContext {
  readonly defaults: Parameters<typeof buildReport>[4]['defaults'];
  readonly exemptions: readonly ConfiguredExemption[];
  readonly source: string;
}

async function loadContext(
  configPath: string | undefined,
  talosPatches: readonly string[],
  sidecarPath: string | undefined,
  io: CliIo,
): Promise<LoadedContext | undefined> {
  const options = {
    ...(configPath === undefined ? {} : { configPath }),
    talosPatches,
    readFile: (path: string) => readFile(resolve(io.cwd, path), 'utf8'),
    cwd: io.cwd,
  };
  const resolution = await resolveConfiguration(options);
  if (resolution.errors.length > 0 || resolution.settings === undefined) {
    for (const e of resolution.errors)
      io.stderr.write(`psa audit-log: configuration error: ${formatConfigError(e, configPath)}\n`);
    if (resolution.errors.length === 0) io.stderr.write('psa audit-log: configuration could not be resolved\n');
    return undefined;
  }
  const governance = await readExemptionGovernance(resolution, options.readFile, {
    ...(sidecarPath === undefined ? {} : { sidecarPath }),
  });
  for (const f of governance.findings)
    if (f.severity === 'error')
      io.stderr.write(`psa audit-log: ${f.pos === undefined ? '' : `${formatPosition(f.pos)}: `}${f.message}\n`);
  const source =
    configPath === undefined
      ? `Talos default configuration${talosPatches.length > 0 ? ` + ${talosPatches.join(', ')}` : ''}`
      : `${configPath}${talosPatches.length > 0 ? ` + ${talosPatches.join(', ')}` : ''}`;
  return {
    defaults: resolution.settings.defaults,
    exemptions: governance.exemptions.map((e) => ({
      kind: e.kind,
      value: e.value,
      ...(e.metadata === undefined
        ? {}
        : {
            metadata: {
              ...(e.metadata.owner === undefined ? {} : { owner: e.metadata.owner }),
              ...(e.metadata.expires === undefined ? {} : { expires: e.metadata.expires }),
              ...(e.metadata.reason === undefined ? {} : { reason: e.metadata.reason }),
            },
          }),
    })),
    source,
  };
}

async function render(
  report: AuditLogReport,
  format: Format,
  reportApi: 'wgpolicy' | 'openreports',
  io: CliIo,
): Promise<string> {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'html':
      return (await import('../audit-log/format-html.ts')).formatAuditLogHtml(report);
    case 'policyreport':
      return (await import('../audit-log/format-policy-report.ts')).formatAuditLogPolicyReports(report, reportApi);
    default:
      return formatAuditLogText(report, paletteFor(io));
  }
}

/** `psa audit-log` */
export async function runAuditLogCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(argv, AUDIT_LOG_OPTIONS);
  if (booleanOption(parsed, 'help')) {
    io.stdout.write(AUDIT_LOG_HELP);
    return 0;
  }
  const format = choiceOption(parsed, 'output', AUDIT_LOG_FORMATS, 'text');
  const failOn = choiceOption(parsed, 'fail-on', AUDIT_LOG_FAIL_ON, 'refused');
  // The short names, or the API versions as `psa audit --report-api` takes them.
  const reportApi = choiceOption(parsed, 'report-api', AUDIT_LOG_REPORT_APIS, 'wgpolicy').startsWith('openreports')
    ? 'openreports'
    : 'wgpolicy';
  if (parsed.positionals.length === 0)
    throw new UsageError('name at least one audit log file or folder (- for standard input)');
  const now = Date.now();
  const sinceText = stringOption(parsed, 'since');
  const untilText = stringOption(parsed, 'until');
  const since = sinceText === undefined ? undefined : parseTimeBound('since', sinceText, now);
  const until = untilText === undefined ? undefined : parseTimeBound('until', untilText, now);
  if (since !== undefined && until !== undefined && since.ms > until.ms)
    throw new UsageError(`--since (${since.iso}) is after --until (${until.iso})`);

  const context = await loadContext(
    stringOption(parsed, 'config'),
    listOption(parsed, 'talos-patch'),
    stringOption(parsed, 'exemption-metadata'),
    io,
  );
  if (context === undefined) return 2;
  const { files, errors } = await expandLogArguments(parsed.positionals, (p) => resolve(io.cwd, p));
  const result = await readAuditLogs(files, {
    window: {
      ...(since === undefined ? {} : { sinceMs: since.ms }),
      ...(until === undefined ? {} : { untilMs: until.ms }),
    },
    stdin: io.stdin as AsyncIterable<Buffer>,
    resolvePath: (p) => resolve(io.cwd, p),
  });
  const report = buildReport(result.aggregate, result.stats, result.badLines, result.badLineCount, {
    defaults: context.defaults,
    exemptions: context.exemptions,
    configurationSource: context.source,
    ...(since === undefined ? {} : { since: since.iso }),
    ...(until === undefined ? {} : { until: until.iso }),
  });
  const text = await render(report, format, reportApi, io);
  const out = stringOption(parsed, 'out');
  if (out === undefined) io.stdout.write(text);
  else {
    await writeFile(resolve(io.cwd, out), text);
    io.stderr.write(`psa audit-log: wrote ${out}\n`);
  }
  for (const problem of [...errors, ...result.unreadable]) io.stderr.write(`psa audit-log: ${problem}\n`);
  if (report.events.badLines > 0 && format !== 'text')
    io.stderr.write(
      `psa audit-log: ${String(report.events.badLines)} bad ${report.events.badLines === 1 ? 'line' : 'lines'} skipped (listed in the report)\n`,
    );
  if (errors.length > 0 || result.unreadable.length > 0) return 2;
  const refused = report.namespaces.some((ns) => ns.refused > 0);
  const audited = report.namespaces.some((ns) => ns.auditViolations > 0);
  if (failOn === 'never') return 0;
  return refused || (failOn === 'audit' && audited) ? 1 : 0;
}
