/**
 * What shell completion knows about the psa commands: their flags and the values those take, read from the tables
 * the commands themselves parse with, so a new flag completes without touching this file. Lives beside `main.ts`
 * (not in cli/ or server/) because it describes both.
 */
import { Levels } from '../api/level.ts';
import { FAIL_ON } from '../cli/check-run.ts';
import {
  AUDIT_FAIL_ON,
  AUDIT_FORMATS,
  AUDIT_OPTIONS,
  AUDIT_REPORT_APIS,
  AUDIT_REPORT_GRANULARITIES,
} from '../cli/commands/audit-flags.ts';
import {
  AUDIT_LOG_FAIL_ON,
  AUDIT_LOG_FORMATS,
  AUDIT_LOG_OPTIONS,
  AUDIT_LOG_REPORT_APIS,
} from '../cli/commands/audit-log.ts';
import { OPTIONS as CHECK_OPTIONS } from '../cli/commands/check.ts';
import { CONFIG_OPTIONS, RENDER_FORMATS, SUBCOMMANDS as CONFIG_SUBCOMMANDS } from '../cli/commands/config.ts';
import { EXPLAIN_FORMATS, OPTIONS as EXPLAIN_OPTIONS } from '../cli/commands/explain.ts';
import { FIX_FORMATS, OPTIONS as FIX_OPTIONS } from '../cli/commands/fix.ts';
import { OPTIONS as NAMESPACE_OPTIONS } from '../cli/commands/namespace.ts';
import { PLAYGROUND_OPTIONS } from '../cli/commands/playground.ts';
import { FORMATS as CHECK_FORMATS } from '../cli/output/outputs.ts';
import { newestPolicyVersion } from '../policy/index.ts';
import { LOG_LEVELS, SERVE_FLAGS } from '../server/options.ts';
import type { FlagTable } from '../suggest.ts';

/** How a flag's value completes: from a fixed list, as a file name, or not at all (free text). */
export type ValueCompletion =
  | { readonly kind: 'none' }
  | { readonly kind: 'file' }
  | { readonly kind: 'text' }
  | { readonly kind: 'choice'; readonly values: readonly string[] };

export interface FlagSpec {
  readonly long: string;
  readonly short: string | undefined;
  readonly value: ValueCompletion;
  readonly repeatable: boolean;
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly flags: readonly FlagSpec[];
  /** Words that may follow the command (subcommands, shells); empty when it takes files or nothing. */
  readonly words: readonly string[];
  /** Whether file names complete as positional arguments. */
  readonly files: boolean;
}

const LEVELS = Object.values(Levels);
const VERSIONS = [
  'latest',
  ...Array.from({ length: newestPolicyVersion.minor + 1 }, (_, i) => `v1.${newestPolicyVersion.minor - i}`),
];
const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** Flags whose values are files, per name, wherever they appear. */
const FILE_FLAGS = new Set([
  'config',
  'talos-patch',
  'tls-cert-file',
  'tls-private-key-file',
  'client-ca-file',
  'kubeconfig',
  'namespaces-from',
  'from',
  'exemption-metadata',
  'out',
]);

function flags(table: FlagTable, choices: Readonly<Record<string, readonly string[]>> = {}): FlagSpec[] {
  return Object.entries(table).map(([long, spec]) => {
    const options = choices[long];
    const value: ValueCompletion =
      spec.type === 'boolean'
        ? { kind: 'none' }
        : options !== undefined
          ? { kind: 'choice', values: options }
          : FILE_FLAGS.has(long)
            ? { kind: 'file' }
            : { kind: 'text' };
    return { long, short: spec.short, value, repeatable: 'multiple' in spec && spec.multiple === true };
  });
}

/** Every command, in the order `psa --help` lists them. */
export function commandSpecs(): readonly CommandSpec[] {
  const help: FlagSpec = { long: 'help', short: 'h', value: { kind: 'none' }, repeatable: false };
  const specs: CommandSpec[] = [
    {
      name: 'check',
      summary: 'what the cluster would say about each manifest',
      flags: flags(CHECK_OPTIONS, { output: CHECK_FORMATS, 'fail-on': FAIL_ON, level: LEVELS, version: VERSIONS }),
      words: [],
      files: true,
    },
    {
      name: 'explain',
      summary: 'the strictest level each workload meets, and what to fix',
      flags: flags(EXPLAIN_OPTIONS, { output: EXPLAIN_FORMATS }),
      words: [],
      files: true,
    },
    {
      name: 'fix',
      summary: 'apply the safe fixes for a level',
      flags: flags(FIX_OPTIONS, { output: FIX_FORMATS, level: LEVELS }),
      words: [],
      files: true,
    },
    {
      name: 'namespace',
      summary: 'what labelling a namespace would warn about',
      flags: flags(NAMESPACE_OPTIONS),
      words: ['dry-run'],
      files: true,
    },
    {
      name: 'audit',
      summary: 'a live cluster, namespace by namespace, and a rollout plan',
      flags: flags(AUDIT_OPTIONS, {
        output: AUDIT_FORMATS,
        'fail-on': AUDIT_FAIL_ON,
        'report-api': AUDIT_REPORT_APIS,
        'report-granularity': AUDIT_REPORT_GRANULARITIES,
        'plan-level': LEVELS,
        version: VERSIONS,
      }),
      words: [],
      files: false,
    },
    {
      name: 'audit-log',
      summary: 'what Pod Security did, from kube-apiserver audit logs',
      flags: flags(AUDIT_LOG_OPTIONS, {
        output: AUDIT_LOG_FORMATS,
        'fail-on': AUDIT_LOG_FAIL_ON,
        'report-api': AUDIT_LOG_REPORT_APIS,
      }),
      words: [],
      files: true,
    },
    {
      name: 'config',
      summary: 'the effective Pod Security configuration',
      flags: flags(CONFIG_OPTIONS, { output: ['yaml', 'json'], as: RENDER_FORMATS }),
      words: CONFIG_SUBCOMMANDS,
      files: false,
    },
    {
      name: 'serve',
      summary: 'run the validating admission webhook',
      flags: flags(SERVE_FLAGS, {
        'tls-min-version': ['VersionTLS12', 'VersionTLS13'],
        'log-level': [...LOG_LEVELS],
      }),
      words: [],
      files: false,
    },
    {
      name: 'playground',
      summary: 'serve the browser playground',
      flags: flags(PLAYGROUND_OPTIONS),
      words: [],
      files: false,
    },
    { name: 'version', summary: 'print the version', flags: [help], words: [], files: false },
    { name: 'completion', summary: 'print a shell completion script', flags: [help], words: SHELLS, files: false },
  ];
  const names = specs.map((c) => c.name);
  specs.push({ name: 'help', summary: 'help for a command', flags: [], words: names, files: false });
  return specs;
}

export const COMPLETION_SHELLS = SHELLS;
