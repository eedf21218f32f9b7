/**
 * One entry point for every configuration source: a PodSecurityConfiguration file, an AdmissionConfiguration file
 * (inline `configuration` or `path`), or a Talos machine config (legacy or >= 1.14 documents) with Talos patches on
 * top. With no file, the built-in default is Talos' default machine config.
 */
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import type { AdmissionSettings } from '../admission/types.ts';
import { TALOS_DEFAULT_TREE } from './talos-default-tree.ts';
import {
  type ConfigProblem,
  decodePodSecurityConfigurationNode,
  decodePodSecurityConfigurationText,
  defaultPodSecurityConfiguration,
  type PodSecurityConfigurationDocument,
  type PositionIndex,
  toAdmissionSettings,
} from './pod-security-configuration.ts';
import {
  applyTalosPatch,
  findTalosAdmission,
  isTalosDocument,
  POD_SECURITY_PLUGIN,
  TALOS_CONFLICT_MESSAGE,
  TALOS_NAME_REQUIRED_MESSAGE,
  type TalosConfig,
  type TalosProblem,
} from './talos.ts';
import {
  formatPosition,
  getValue,
  looksLikeJson,
  parseDocuments,
  normalizeLikeYamlToJson,
  type Position,
  stringValue,
  type TreeNode,
} from './tree.ts';

export const ConfigSourceKinds = {
  /** No file: Talos' default machine config (plus any patches). */
  talosDefault: 'talos-default',
  podSecurityConfiguration: 'pod-security-configuration',
  admissionConfiguration: 'admission-configuration',
  /** A Talos machine config whose PodSecurity entry is the legacy `cluster.apiServer.admissionControl[]` item. */
  talosLegacy: 'talos-legacy',
  /** A Talos machine config with a `KubeAdmissionControlConfig` document. */
  talosDocument: 'talos-document',
  /** A Talos machine config without any PodSecurity configuration: kube-apiserver's built-in defaults apply. */
  talosNone: 'talos-none',
} as const;
export type ConfigSourceKind = (typeof ConfigSourceKinds)[keyof typeof ConfigSourceKinds];

export interface ConfigSource {
  readonly kind: ConfigSourceKind;
  /** The file given with `--config`, when any. */
  readonly file?: string;
  /** For an AdmissionConfiguration using `path`: the PodSecurityConfiguration file it names. */
  readonly referencedFile?: string;
  readonly talosPatches: readonly string[];
}

export const Severities = { error: 'error', warning: 'warning', info: 'info' } as const;
export type Severity = (typeof Severities)[keyof typeof Severities];

/** A lint finding (errors included), located in the file the operator wrote. */
export interface Finding {
  readonly severity: Severity;
  /** A stable kebab-case identifier, e.g. `duplicate-exemption`. */
  readonly code: string;
  readonly message: string;
  readonly pos?: Position;
}

/** A problem that stops the configuration from loading. */
export interface ConfigError {
  readonly message: string;
  readonly pos?: Position;
  /** The field path, for validation errors. */
  readonly path?: string;
}

export function formatConfigError(
  error: { readonly message: string; readonly pos?: Position },
  fallbackFile?: string,
): string {
  if (error.pos !== undefined) return `${formatPosition(error.pos)}: ${error.message}`;
  return fallbackFile === undefined ? error.message : `${fallbackFile}: ${error.message}`;
}

export type ReadFile = (path: string) => Promise<string>;

export interface LoadOptions {
  readonly configPath?: string;
  readonly talosPatches?: readonly string[];
  readonly readFile: ReadFile;
  /** Resolves relative paths (default: the process' working directory). */
  readonly cwd?: string;
}

export interface LoadedConfiguration {
  readonly settings: AdmissionSettings;
  readonly document: PodSecurityConfigurationDocument;
  readonly source: ConfigSource;
  /** Warnings and hints (never errors) found while loading; `lintConfiguration` adds more. */
  readonly findings: readonly Finding[];
}

export type LoadResult =
  | ({ readonly ok: true } & LoadedConfiguration)
  | {
      readonly ok: false;
      readonly errors: readonly ConfigError[];
      readonly source?: ConfigSource;
      readonly findings: readonly Finding[];
      /** What upstream's webhook would print at startup, when the configuration decoded but is invalid. */
      readonly upstreamMessage?: string;
    };

/** Everything learnt while resolving a configuration; lint reads the trees, load reads the outcome. */
export interface Resolution {
  readonly source?: ConfigSource;
  readonly errors: ConfigError[];
  readonly findings: Finding[];
  /** The PodSecurityConfiguration node (embedded or whole file), when one was found. */
  readonly configNode?: TreeNode;
  /** The Talos config after patches, for Talos sources. */
  readonly talos?: TalosConfig;
  readonly document?: PodSecurityConfigurationDocument;
  readonly positions?: PositionIndex;
  readonly settings?: AdmissionSettings;
  readonly upstreamMessage?: string;
  /** Raw validation problems (with field paths) when the document decoded but did not validate. */
  readonly problems?: readonly ConfigProblem[];
  /** A file could not be read at all (an environment problem rather than bad content). */
  readonly unreadable?: boolean;
}

const BUILTIN_FILE = '<talos-default>';

class ReadFailure extends Error {
  override readonly name = 'ReadFailure';
}

async function readText(readFile: ReadFile, path: string): Promise<string> {
  try {
    return await readFile(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ReadFailure(reason.includes(path) ? reason : `${path}: ${reason}`, { cause: error });
  }
}

/** Resolves a configuration into a Resolution; never throws on bad input. */
export async function resolveConfiguration(options: LoadOptions): Promise<Resolution> {
  const patches = options.talosPatches ?? [];
  const cwd = options.cwd ?? process.cwd();
  const abs = (p: string): string => (isAbsolute(p) ? p : resolvePath(cwd, p));
  const errors: ConfigError[] = [];
  const findings: Finding[] = [];
  try {
    if (options.configPath === undefined) {
      const source: ConfigSource = { kind: ConfigSourceKinds.talosDefault, talosPatches: patches };
      const base = TALOS_DEFAULT_TREE;
      return await resolveTalos(source, base, patches, options.readFile, abs, errors, findings);
    }
    const file = options.configPath;
    const text = await readText(options.readFile, abs(file));
    if (text.length === 0) {
      if (patches.length > 0)
        return usageLike(
          errors,
          findings,
          file,
          '--talos-patch applies only to a Talos machine config, and this file is empty',
        );
      const source: ConfigSource = { kind: ConfigSourceKinds.podSecurityConfiguration, file, talosPatches: patches };
      return finish(source, defaultPodSecurityConfiguration(), new Map(), undefined, undefined, errors, findings);
    }
    const parsed = parseDocuments(text, file, { json: looksLikeJson(text) });
    const roots = parsed.documents.map((d) => d.root).filter((r) => !(r.kind === 'scalar' && r.type === 'null'));
    const kinds = roots.map((r) => stringValue(getValue(r, 'kind')));
    const first = roots[0];
    if (
      parsed.problems.length === 0 &&
      roots.some(isTalosDocument) &&
      !kinds.includes('PodSecurityConfiguration') &&
      !kinds.includes('AdmissionConfiguration')
    ) {
      const source: ConfigSource = { kind: ConfigSourceKinds.talosLegacy, file, talosPatches: patches };
      for (const d of parsed.documents)
        for (const dup of d.duplicates)
          errors.push({ message: `mapping key ${JSON.stringify(dup.key)} already defined`, pos: dup.pos });
      if (errors.length > 0) return { source, errors, findings };
      return await resolveTalos(source, roots, patches, options.readFile, abs, errors, findings);
    }
    if (patches.length > 0)
      return usageLike(errors, findings, file, '--talos-patch applies only to a Talos machine config');
    if (parsed.problems.length === 0 && first !== undefined && kinds[0] === 'AdmissionConfiguration') {
      return await resolveAdmissionConfiguration(file, first, options.readFile, abs, errors, findings);
    }
    // Anything else is decoded as a PodSecurityConfiguration, so upstream's own errors explain what is wrong.
    const source: ConfigSource = { kind: ConfigSourceKinds.podSecurityConfiguration, file, talosPatches: patches };
    if (roots.length > 1)
      findings.push({
        severity: 'warning',
        code: 'extra-documents',
        message: 'only the first YAML document is read; the others are ignored',
        pos: roots[1]!.pos,
      });
    const decoded = decodePodSecurityConfigurationText(text, file);
    if (!decoded.ok) {
      errors.push(decoded.error);
      return { source, errors, findings, ...(first === undefined ? {} : { configNode: first }) };
    }
    return finish(source, decoded.document, decoded.positions, first, undefined, errors, findings);
  } catch (error) {
    if (error instanceof ReadFailure) {
      errors.push({ message: error.message });
      return { errors, findings, unreadable: true };
    }
    throw error;
  }
}

const PSA_FIELDS = new Set(['apiVersion', 'kind', 'defaults', 'exemptions']);

/** Unknown keys in an admission plugin entry; PodSecurityConfiguration fields there belong under `configuration`. */
function checkEntryKeys(
  entry: TreeNode,
  allowed: readonly string[],
  what: string,
  consequence: string,
  severity: 'error' | 'warning',
  errors: ConfigError[],
  findings: Finding[],
): void {
  if (entry.kind !== 'map') return;
  for (const e of entry.entries) {
    if (allowed.includes(e.key) || e.key === '$patch') continue;
    const hint =
      PSA_FIELDS.has(e.key) || e.key === 'namespaces' || e.key === 'enforce'
        ? `; it belongs under "configuration"`
        : '';
    const message = `unknown field ${JSON.stringify(e.key)} in ${what}${hint} (${consequence})`;
    if (severity === 'error') errors.push({ message, pos: e.keyPos });
    else findings.push({ severity, code: 'ignored-field', message, pos: e.keyPos });
  }
}

function usageLike(errors: ConfigError[], findings: Finding[], file: string, message: string): Resolution {
  errors.push({ message, pos: { file, line: 1, col: 1 } });
  return { errors, findings };
}

function finish(
  source: ConfigSource,
  document: PodSecurityConfigurationDocument,
  positions: PositionIndex,
  configNode: TreeNode | undefined,
  talos: TalosConfig | undefined,
  errors: ConfigError[],
  findings: Finding[],
): Resolution {
  const base = {
    source,
    errors,
    findings,
    document,
    positions,
    ...(configNode === undefined ? {} : { configNode }),
    ...(talos === undefined ? {} : { talos }),
  };
  const settings = toAdmissionSettings(document, positions);
  if (!settings.ok) {
    for (const p of settings.problems)
      errors.push(
        p.pos === undefined ? { message: p.message, path: p.path } : { message: p.message, path: p.path, pos: p.pos },
      );
    return { ...base, upstreamMessage: settings.upstreamMessage, problems: settings.problems };
  }
  return { ...base, settings: settings.settings };
}

async function resolveAdmissionConfiguration(
  file: string,
  root: TreeNode,
  readFile: ReadFile,
  abs: (p: string) => string,
  errors: ConfigError[],
  findings: Finding[],
): Promise<Resolution> {
  const apiVersion = stringValue(getValue(root, 'apiVersion'));
  const base: ConfigSource = { kind: ConfigSourceKinds.admissionConfiguration, file, talosPatches: [] };
  if (
    apiVersion !== 'apiserver.config.k8s.io/v1' &&
    apiVersion !== 'apiserver.config.k8s.io/v1alpha1' &&
    apiVersion !== 'apiserver.k8s.io/v1alpha1'
  ) {
    errors.push({
      message: `unsupported AdmissionConfiguration apiVersion ${JSON.stringify(apiVersion ?? '')} (want apiserver.config.k8s.io/v1)`,
      pos: getValue(root, 'apiVersion')?.pos ?? root.pos,
    });
    return { source: base, errors, findings };
  }
  const plugins = getValue(root, 'plugins');
  if (plugins !== undefined && plugins.kind !== 'seq' && !(plugins.kind === 'scalar' && plugins.type === 'null')) {
    errors.push({ message: 'plugins: must be a list', pos: plugins.pos });
    return { source: base, errors, findings };
  }
  if (plugins?.kind === 'seq') {
    for (const p of plugins.items) {
      checkEntryKeys(
        p,
        ['name', 'path', 'configuration'],
        'AdmissionConfiguration plugin entry',
        'kube-apiserver ignores it',
        'warning',
        errors,
        findings,
      );
    }
  }
  const entries =
    plugins?.kind === 'seq'
      ? plugins.items.filter((p) => stringValue(getValue(p, 'name')) === POD_SECURITY_PLUGIN)
      : [];
  const entry = entries[0];
  if (entries.length > 1)
    findings.push({
      severity: 'warning',
      code: 'duplicate-plugin-entry',
      message: `${String(entries.length)} plugin entries are named PodSecurity; kube-apiserver uses the first`,
      pos: entries[1]!.pos,
    });
  if (entry === undefined) {
    findings.push({
      severity: 'warning',
      code: 'no-pod-security-entry',
      message: 'no plugin named PodSecurity: kube-apiserver runs PodSecurity with its defaults (privileged everywhere)',
      pos: plugins?.pos ?? root.pos,
    });
    return finish(base, defaultPodSecurityConfiguration(), new Map(), undefined, undefined, errors, findings);
  }
  const inline = getValue(entry, 'configuration');
  const path = stringValue(getValue(entry, 'path'));
  if (inline !== undefined && !(inline.kind === 'scalar' && inline.type === 'null')) {
    if (path !== undefined && path !== '')
      findings.push({
        severity: 'warning',
        code: 'path-ignored',
        message: 'both configuration and path are set: kube-apiserver uses the inline configuration and ignores path',
        pos: getValue(entry, 'path')?.pos ?? entry.pos,
      });
    return decodeEmbedded(base, inline, undefined, errors, findings);
  }
  if (path === undefined || path === '') {
    findings.push({
      severity: 'info',
      code: 'empty-plugin-entry',
      message:
        'the PodSecurity entry has neither configuration nor path: upstream defaults apply (privileged everywhere)',
      pos: entry.pos,
    });
    return finish(base, defaultPodSecurityConfiguration(), new Map(), undefined, undefined, errors, findings);
  }
  const target = isAbsolute(path) ? path : resolvePath(dirname(abs(file)), path);
  const source: ConfigSource = { ...base, referencedFile: target };
  let text: string;
  try {
    text = await readText(readFile, target);
  } catch (error) {
    errors.push({
      message: error instanceof Error ? error.message : String(error),
      pos: getValue(entry, 'path')?.pos ?? entry.pos,
    });
    return { source, errors, findings };
  }
  const decoded = decodePodSecurityConfigurationText(text, target);
  if (!decoded.ok) {
    errors.push(decoded.error);
    return { source, errors, findings };
  }
  const node = parseDocuments(text, target, { json: looksLikeJson(text) }).documents[0]?.root;
  return finish(source, decoded.document, decoded.positions, node, undefined, errors, findings);
}

function decodeEmbedded(
  source: ConfigSource,
  node: TreeNode,
  talos: TalosConfig | undefined,
  errors: ConfigError[],
  findings: Finding[],
): Resolution {
  // kube-apiserver hands the plugin its configuration as JSON converted from YAML: keys sorted, repeats collapsed.
  const decoded = decodePodSecurityConfigurationNode(normalizeLikeYamlToJson(node));
  if (!decoded.ok) {
    errors.push(decoded.error);
    return { source, errors, findings, configNode: node, ...(talos === undefined ? {} : { talos }) };
  }
  return finish(source, decoded.document, decoded.positions, node, talos, errors, findings);
}

async function resolveTalos(
  source: ConfigSource,
  base: readonly TreeNode[],
  patches: readonly string[],
  readFile: ReadFile,
  abs: (p: string) => string,
  errors: ConfigError[],
  findings: Finding[],
): Promise<Resolution> {
  let config: TalosConfig = { documents: base };
  const problems: TalosProblem[] = [];
  for (const patch of patches) {
    const text = await readText(readFile, abs(patch));
    const parsed = parseDocuments(text, patch);
    for (const p of parsed.problems) errors.push(p);
    for (const d of parsed.documents)
      for (const dup of d.duplicates)
        errors.push({ message: `mapping key ${JSON.stringify(dup.key)} already defined`, pos: dup.pos });
    if (errors.length > 0) return { source, errors, findings };
    config = applyTalosPatch(
      config,
      parsed.documents.map((d) => d.root),
      problems,
    );
  }
  for (const p of problems) errors.push(p);
  if (errors.length > 0) return { source, errors, findings, talos: config };
  const admission = findTalosAdmission(config);
  for (const doc of admission.allDocuments) {
    const name = stringValue(getValue(doc, 'name'));
    if (name === undefined || name === '') errors.push({ message: TALOS_NAME_REQUIRED_MESSAGE, pos: doc.pos });
    checkEntryKeys(
      doc,
      ['apiVersion', 'kind', 'name', 'configuration'],
      'KubeAdmissionControlConfig',
      'Talos rejects the machine config',
      'error',
      errors,
      findings,
    );
  }
  for (const entry of admission.legacyEntries) {
    checkEntryKeys(
      entry,
      ['name', 'configuration'],
      'cluster.apiServer.admissionControl entry',
      'Talos rejects the machine config',
      'error',
      errors,
      findings,
    );
  }
  if (admission.legacyEntries.length > 0 && admission.allDocuments.length > 0) {
    errors.push({ message: TALOS_CONFLICT_MESSAGE, pos: admission.allDocuments[0]!.pos });
  }
  if (errors.length > 0) return { source, errors, findings, talos: config };
  const sourceKind = source.kind === ConfigSourceKinds.talosDefault ? source.kind : undefined;
  const entries = admission.documents.length > 0 ? admission.documents : admission.legacy;
  const kind =
    sourceKind ??
    (admission.documents.length > 0
      ? ConfigSourceKinds.talosDocument
      : admission.legacy.length > 0
        ? ConfigSourceKinds.talosLegacy
        : ConfigSourceKinds.talosNone);
  const resolved: ConfigSource = { ...source, kind };
  if (entries.length > 1)
    findings.push({
      severity: 'warning',
      code: 'duplicate-plugin-entry',
      message: `${String(entries.length)} PodSecurity entries: kube-apiserver uses the first`,
      pos: entries[1]!.pos,
    });
  const entry = entries[0];
  if (entry === undefined) {
    findings.push({
      severity: 'warning',
      code: 'no-pod-security-entry',
      message:
        'no PodSecurity admission configuration: kube-apiserver runs PodSecurity with its defaults (privileged everywhere)',
      pos: config.documents[0]?.pos ?? { file: source.file ?? BUILTIN_FILE, line: 1, col: 1 },
    });
    return finish(resolved, defaultPodSecurityConfiguration(), new Map(), undefined, config, errors, findings);
  }
  const node = getValue(entry, 'configuration');
  if (node === undefined || (node.kind === 'scalar' && node.type === 'null')) {
    findings.push({
      severity: 'info',
      code: 'empty-plugin-entry',
      message: 'the PodSecurity entry has no configuration: upstream defaults apply (privileged everywhere)',
      pos: entry.pos,
    });
    return finish(resolved, defaultPodSecurityConfiguration(), new Map(), undefined, config, errors, findings);
  }
  return decodeEmbedded(resolved, node, config, errors, findings);
}

/** Loads a configuration from any supported source; errors carry file:line:col. */
export async function loadConfiguration(options: LoadOptions): Promise<LoadResult> {
  const r = await resolveConfiguration(options);
  const warnings = r.findings.filter((f) => f.severity !== 'error');
  if (r.errors.length > 0 || r.settings === undefined || r.document === undefined || r.source === undefined) {
    return {
      ok: false,
      errors: r.errors.length > 0 ? r.errors : [{ message: 'configuration could not be resolved' }],
      findings: warnings,
      ...(r.source === undefined ? {} : { source: r.source }),
      ...(r.upstreamMessage === undefined ? {} : { upstreamMessage: r.upstreamMessage }),
    };
  }
  return { ok: true, settings: r.settings, document: r.document, source: r.source, findings: warnings };
}
