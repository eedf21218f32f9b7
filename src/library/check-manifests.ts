/**
 * `checkManifests`: `psa check -o json` as a function, for TypeScript users (synth-time validation in cdk8s or Pepr,
 * tests, bots). It runs the CLI's own check (the same pipeline, judge and JSON converters), over text held in memory
 * instead of files, so the objects it returns are exactly what `psa check -o json` prints for that text.
 */
import type { AdmissionSettings } from '../admission/index.ts';
import { exitCode, type FailOn, runCheck } from '../cli/check-run.ts';
import { DEFAULT_MAX_ALIAS_COUNT, DEFAULT_MAX_DOCUMENT_BYTES } from '../cli/input/documents.ts';
import { Judge } from '../cli/judge.ts';
import { type CheckReport, createJsonCollector, type SummaryReport } from '../cli/output/json.ts';
import { readManifestText } from '../cli/pipeline.ts';
import { type ConfigError, formatConfigError, loadConfiguration } from '../config/index.ts';

export type {
  CheckReport,
  FieldErrorReport,
  ModeReport,
  NamespaceReport,
  ObjectReport,
  ProblemReport,
  SkippedReport,
  SummaryReport,
} from '../cli/output/json.ts';
export type { FailOn } from '../cli/check-run.ts';

/** A configuration file's text, and the name its errors are reported under. */
export interface NamedText {
  readonly name: string;
  readonly text: string;
}

/** The cluster to check against; every field is optional, as every `psa check` flag is. */
export interface CheckManifestsOptions {
  /** The file name shown in results and errors (default `manifests.yaml`; a `.json` name reads one JSON document). */
  readonly file?: string;
  /**
   * A PodSecurityConfiguration, AdmissionConfiguration or Talos machine config (`--config`); default: Talos' default
   * (enforce baseline, warn and audit restricted, kube-system exempt). Ignored when `settings` is given.
   */
  readonly config?: string | NamedText;
  /** Talos machine-config patches applied on top of `config` (`--talos-patch`), in order. */
  readonly talosPatches?: readonly (string | NamedText)[];
  /** Admission settings already at hand (the result of `loadConfiguration`); replaces `config`. */
  readonly settings?: AdmissionSettings;
  /** The namespace of objects that name none (`-n`, default `default`). */
  readonly namespace?: string;
  /** Labels of namespaces, added to or overriding Namespace objects in the text (`--namespace-labels`). */
  readonly namespaceLabels?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The requesting user, for username exemptions (`--user`). */
  readonly user?: string;
  /** Larger YAML documents are reported and skipped (`--max-document-size`, in bytes; default 32 MiB). */
  readonly maxDocumentBytes?: number;
}

/** The configuration given to {@link checkManifests} did not load; `errors` hold each problem with its position. */
export class InvalidConfigurationError extends Error {
  override readonly name = 'InvalidConfigurationError';
  readonly errors: readonly ConfigError[];
  constructor(errors: readonly ConfigError[], file: string | undefined) {
    super(`invalid Pod Security configuration: ${errors.map((e) => formatConfigError(e, file)).join('; ')}`);
    this.errors = errors;
  }
}

const named = (value: string | NamedText, fallback: string): NamedText =>
  typeof value === 'string' ? { name: fallback, text: value } : value;

async function settingsFor(options: CheckManifestsOptions): Promise<AdmissionSettings> {
  if (options.settings !== undefined) return options.settings;
  const config = options.config === undefined ? undefined : named(options.config, 'config.yaml');
  const patches = (options.talosPatches ?? []).map((p, i) => named(p, `talos-patch-${i + 1}.yaml`));
  // The loader reads through `readFile` with paths resolved against `cwd`: serve the given texts, nothing else.
  const texts = new Map([...(config === undefined ? [] : [config]), ...patches].map((t) => [`/${t.name}`, t.text]));
  const result = await loadConfiguration({
    ...(config === undefined ? {} : { configPath: config.name }),
    talosPatches: patches.map((p) => p.name),
    cwd: '/',
    readFile: (path) => {
      const text = texts.get(path);
      return text === undefined ? Promise.reject(new Error('not given to checkManifests')) : Promise.resolve(text);
    },
  });
  if (!result.ok) throw new InvalidConfigurationError(result.errors, config?.name);
  return result.settings;
}

/**
 * Checks Kubernetes manifests (a YAML stream, `kubectl get -o yaml` lists, Helm output, or JSON) as `psa check`
 * does, and returns what `psa check -o json` prints for them. Bad input never throws: it is reported in `errors`
 * with its line and column, and the rest is still checked. Throws {@link InvalidConfigurationError} when the
 * configuration given does not load.
 */
export async function checkManifests(text: string, options: CheckManifestsOptions = {}): Promise<CheckReport> {
  const settings = await settingsFor(options);
  const judge = new Judge({
    settings,
    defaultNamespace: options.namespace ?? 'default',
    namespaceLabels: new Map(Object.entries(options.namespaceLabels ?? {})),
    username: options.user ?? '',
  });
  const collector = createJsonCollector();
  await runCheck(
    readManifestText(options.file ?? 'manifests.yaml', text, {
      maxDocumentBytes: options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES,
      maxAliasCount: DEFAULT_MAX_ALIAS_COUNT,
    }),
    { judge, reporter: collector.reporter },
  );
  return collector.report();
}

/** The exit code `psa check --fail-on failOn` would give for this summary: 0 clean, 1 violations, 2 input errors. */
export function checkExitCode(summary: SummaryReport, failOn: FailOn = 'enforce'): 0 | 1 | 2 {
  return exitCode(summary, failOn);
}
