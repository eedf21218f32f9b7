// psa audit's flags and their values, apart from the command: `psa completion` reads them without loading the
// cluster client the command needs (@kubernetes/client-node costs ~300 ms to load).
import { ReportApis } from '../output/policy-report.ts';

/** The flags of this command (also read by `psa completion`). */
export const AUDIT_OPTIONS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  from: { type: 'string', multiple: true },
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'boolean', short: 'A' },
  selector: { type: 'string', short: 'l' },
  'page-size': { type: 'string' },
  config: { type: 'string' },
  'talos-patch': { type: 'string', multiple: true },
  version: { type: 'string' },
  'plan-level': { type: 'string' },
  output: { type: 'string', short: 'o' },
  'report-api': { type: 'string' },
  'report-granularity': { type: 'string' },
  'fail-on': { type: 'string' },
  'max-document-size': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const AUDIT_FORMATS = ['text', 'json', 'policyreport', 'html'] as const;
export const AUDIT_FAIL_ON = ['enforce', 'baseline', 'restricted', 'none'] as const;
export const AUDIT_REPORT_APIS = [ReportApis.wgpolicy, ReportApis.openreports] as const;
/** `--report-granularity`: policy report results per pod (default) or per top owner. */
export const AUDIT_REPORT_GRANULARITIES = ['pod', 'owner'] as const;
