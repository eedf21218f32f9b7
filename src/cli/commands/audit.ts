import { writeFile } from 'node:fs/promises';
import { parseLevel, parseVersion, type Level, type Version } from '../../api/index.ts';
import { KubeConfigError } from '../../kube/config.ts';
import type { CliIo } from '../../process-io.ts';
import { booleanOption, choiceOption, listOption, parseCommandArgs, stringOption, UsageError } from '../args.ts';
import { AUDIT_HELP } from '../help.ts';
import { DEFAULT_MAX_ALIAS_COUNT, DEFAULT_MAX_DOCUMENT_BYTES } from '../input/documents.ts';
import { paletteFor } from '../output/color.ts';
import { formatReportYaml, ReportApis, type ReportApi } from '../output/policy-report.ts';
import { createClusterSource } from '../audit/cluster-source.ts';
import { createFileSource } from '../audit/file-source.ts';
import { renderHtml } from '../audit/render-html.ts';
import { auditPolicyReports } from '../audit/render-policy-report.ts';
import { renderText } from '../audit/render-text.ts';
import { buildReport, type AuditReport } from '../audit/report.ts';
import { runAudit, type AuditProgress, type AuditSource } from '../audit/run-audit.ts';
import { parseSelector, SelectorError } from '../audit/selector.ts';
import { absolute, loadConfigurationFlags, parseSize } from './check.ts';
import {
  AUDIT_FAIL_ON,
  AUDIT_FORMATS,
  AUDIT_OPTIONS,
  AUDIT_REPORT_APIS,
  AUDIT_REPORT_GRANULARITIES,
} from './audit-flags.ts';

export { AUDIT_FAIL_ON, AUDIT_FORMATS, AUDIT_OPTIONS, AUDIT_REPORT_APIS, AUDIT_REPORT_GRANULARITIES };

const DEFAULT_PAGE_SIZE = 500;
/** The progress line is redrawn at most this often. */
const PROGRESS_EVERY_MS = 100;

function parsePageSize(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PAGE_SIZE;
  if (!/^[0-9]+$/.test(text) || Number(text) < 1)
    throw new UsageError(`invalid --page-size ${JSON.stringify(text)}: a positive number`);
  return Number(text);
}

function optionalLevel(text: string | undefined, flag: string): Level | undefined {
  if (text === undefined) return undefined;
  const parsed = parseLevel(text);
  if (!parsed.ok) throw new UsageError(`invalid ${flag} ${JSON.stringify(text)}: ${parsed.error}`);
  return parsed.value;
}

function optionalVersion(text: string | undefined): Version | undefined {
  if (text === undefined) return undefined;
  const parsed = parseVersion(text);
  if (!parsed.ok) throw new UsageError(`invalid --version ${JSON.stringify(text)}: ${parsed.error}`);
  return parsed.value;
}

/** The TTY progress line: redrawn in place, throttled, erased at the end. */
function progressLine(io: CliIo): { update(p: AuditProgress): void; clear(): void } {
  if (io.stderr.isTTY !== true) return { update: () => undefined, clear: () => undefined };
  let last = 0;
  let shown = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < PROGRESS_EVERY_MS) return;
      last = now;
      shown = true;
      io.stderr.write(
        `\r\u001b[Kpsa audit: reading ${p.phase}: ${p.pages} pages, ${p.namespaces} namespaces, ${p.pods} pods`,
      );
    },
    clear() {
      if (shown) io.stderr.write('\r\u001b[K');
    },
  };
}

function configurationName(configPath: string | undefined, patches: number): string {
  const base = configPath ?? "Talos' default";
  return patches === 0 ? base : `${base} + ${patches} Talos ${patches === 1 ? 'patch' : 'patches'}`;
}

function exitCode(report: AuditReport, failOn: (typeof AUDIT_FAIL_ON)[number]): number {
  if (!report.complete) return 2;
  if (failOn === 'none') return 0;
  if (failOn === 'enforce') return report.summary.refusedAtCurrentLabels > 0 ? 1 : 0;
  return report.namespaces.some((ns) => !ns.exempt && ns.levels[failOn].refused > 0) ? 1 : 0;
}

/** The report's time: now, or `SOURCE_DATE_EPOCH` (seconds) for reproducible reports. */
function reportTime(io: CliIo): Date {
  const epoch = io.env['SOURCE_DATE_EPOCH'];
  return epoch !== undefined && /^[0-9]+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
}

/** `psa audit`: a cluster (or dumps of one), namespace by namespace, and the rollout plan. */
export async function runAuditCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(argv, AUDIT_OPTIONS);
  if (booleanOption(parsed, 'help')) {
    io.stdout.write(AUDIT_HELP);
    return 0;
  }
  const format = choiceOption(parsed, 'output', AUDIT_FORMATS, 'text');
  const failOn = choiceOption(parsed, 'fail-on', AUDIT_FAIL_ON, 'enforce');
  const reportApi: ReportApi = choiceOption(parsed, 'report-api', AUDIT_REPORT_APIS, ReportApis.wgpolicy);
  const granularity = choiceOption(parsed, 'report-granularity', AUDIT_REPORT_GRANULARITIES, 'pod');
  // Per-pod results need a record per pod; every other output keeps only the aggregates.
  const keepPods = format === 'policyreport' && granularity === 'pod';
  const htmlFile = parsed.positionals[0];
  if (format === 'html' && htmlFile === undefined) throw new UsageError('-o html needs a file: psa audit -o html FILE');
  if (format !== 'html' && parsed.positionals.length > 0)
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[0])}`);
  if (parsed.positionals.length > 1) throw new UsageError('-o html takes one file');
  const from = listOption(parsed, 'from');
  const namespace = stringOption(parsed, 'namespace');
  if (namespace !== undefined && booleanOption(parsed, 'all-namespaces'))
    throw new UsageError('--namespace and --all-namespaces are mutually exclusive');
  if (
    from.length > 0 &&
    (stringOption(parsed, 'kubeconfig') !== undefined || stringOption(parsed, 'context') !== undefined)
  )
    throw new UsageError('--from reads dumps: it cannot be combined with --kubeconfig or --context');
  const pageSize = parsePageSize(stringOption(parsed, 'page-size'));
  const version = optionalVersion(stringOption(parsed, 'version'));
  const planLevel = optionalLevel(stringOption(parsed, 'plan-level'), '--plan-level');
  const selectorText = stringOption(parsed, 'selector');
  let selector: ReturnType<typeof parseSelector> | undefined;
  try {
    selector = selectorText === undefined ? undefined : parseSelector(selectorText);
  } catch (error) {
    if (error instanceof SelectorError) throw new UsageError(error.message);
    throw error;
  }

  const loaded = await loadConfigurationFlags(parsed, io);
  if (loaded === undefined) return 2;
  const configPath = stringOption(parsed, 'config');
  const talosPatches = listOption(parsed, 'talos-patch');

  const errors: string[] = [];
  const stderrPalette = paletteFor(io, 'stderr');
  const progress = progressLine(io);
  const onError = (message: string): void => {
    progress.clear();
    errors.push(message);
    io.stderr.write(`${stderrPalette.red('error:')} ${message}\n`);
  };
  let source: AuditSource;
  if (from.length > 0) {
    const size = stringOption(parsed, 'max-document-size');
    source = createFileSource({
      paths: from.map((p) => (p === '-' ? p : absolute(io, p))),
      shownPaths: from,
      read: {
        maxDocumentBytes: size === undefined ? DEFAULT_MAX_DOCUMENT_BYTES : parseSize(size),
        maxAliasCount: DEFAULT_MAX_ALIAS_COUNT,
        stdin: io.stdin,
      },
      onError,
      selector,
    });
  } else {
    const kubeconfig = stringOption(parsed, 'kubeconfig') ?? undefined;
    try {
      source = createClusterSource({
        kubeconfig: kubeconfig === undefined ? undefined : absolute(io, kubeconfig),
        context: stringOption(parsed, 'context'),
        pageSize,
        namespace,
        selector: selectorText,
        onError,
      });
    } catch (error) {
      if (error instanceof KubeConfigError) {
        io.stderr.write(`psa audit: ${error.message}\n`);
        return 2;
      }
      throw error;
    }
  }

  let outcome;
  try {
    outcome = await runAudit(source, {
      settings: loaded.settings,
      ...(version === undefined ? {} : { version }),
      ...(namespace === undefined ? {} : { namespace }),
      onProgress: (p) => progress.update(p),
      keepPods,
    });
  } finally {
    progress.clear();
    source.close();
  }
  const report = buildReport({
    source: source.description,
    configuration: configurationName(configPath, talosPatches.length),
    generatedAt: reportTime(io),
    version: version?.text,
    namespaces: outcome.namespaces,
    document: loaded.document,
    planLevel,
    errors,
  });

  switch (format) {
    case 'json':
      io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      break;
    case 'policyreport':
      // One report at a time: the per-pod reports of a large cluster are written as they are built.
      for (const policyReport of auditPolicyReports(report, { api: reportApi, granularity, pods: outcome.pods }))
        io.stdout.write(formatReportYaml(policyReport));
      break;
    case 'html': {
      const file = absolute(io, htmlFile!);
      await writeFile(file, renderHtml(report));
      io.stderr.write(`psa audit: wrote ${htmlFile!}\n`);
      break;
    }
    case 'text':
      io.stdout.write(renderText(report, paletteFor(io)));
      break;
  }
  return exitCode(report, failOn);
}
