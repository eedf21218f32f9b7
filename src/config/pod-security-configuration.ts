/**
 * Decoding, defaulting and validating `PodSecurityConfiguration` (spec §6) with the exact messages of upstream's
 * loader (Kubernetes' strict universal decoder), its defaults-to-policy step and its validation.
 */
import { parseLevel } from '../api/level.ts';
import { parseVersion } from '../api/version.ts';
import type { LevelVersion } from '../api/level-version.ts';
import type { AdmissionSettings, Policy } from '../admission/types.ts';
import {
  aggregateMessages,
  duplicateValue,
  type FieldError,
  formatFieldError,
  invalidValue,
  namespaceNameMessages,
  subdomainMessages,
} from './field-errors.ts';
import { goQuote } from './field-errors.ts';
import {
  compareCodePoints,
  jsonTypeName,
  looksLikeJson,
  normalizeLikeYamlToJson,
  parseDocuments,
  type Position,
  type TreeNode,
} from './tree.ts';

export const PSA_CONFIG_GROUP = 'pod-security.admission.config.k8s.io';
export const PSA_CONFIG_KIND = 'PodSecurityConfiguration';
export const PSA_CONFIG_VERSIONS = ['v1alpha1', 'v1beta1', 'v1'] as const;
export type PsaConfigVersion = (typeof PSA_CONFIG_VERSIONS)[number];
/** The internal version is registered in upstream's scheme too; it is decoded without defaulting. */
const INTERNAL_VERSION = '__internal';
const SCHEME_NAME = 'pkg/runtime/scheme.go:111';

/** The fields of `defaults`, in the order upstream's defaults-to-policy step reports them. */
export const DEFAULT_FIELDS = ['enforce', 'enforce-version', 'audit', 'audit-version', 'warn', 'warn-version'] as const;
export type DefaultField = (typeof DEFAULT_FIELDS)[number];
export const EXEMPTION_FIELDS = ['usernames', 'namespaces', 'runtimeClasses'] as const;
export type ExemptionField = (typeof EXEMPTION_FIELDS)[number];

/** The PodSecurityConfiguration document after decoding (and defaulting): what `psa config show` prints. */
export interface PodSecurityConfigurationDocument {
  readonly apiVersion: string;
  readonly kind: 'PodSecurityConfiguration';
  readonly defaults: Readonly<Record<DefaultField, string>>;
  readonly exemptions: Readonly<Record<ExemptionField, readonly string[]>>;
}

/** Where each decoded field came from, keyed by field path (`defaults.enforce`, `exemptions.namespaces[2]`). */
export type PositionIndex = ReadonlyMap<string, Position>;

/** A decoding failure with upstream's message and, when known, where it is. */
export interface DecodeFailure {
  readonly message: string;
  readonly pos?: Position;
}

export type DecodeResult =
  | { readonly ok: true; readonly document: PodSecurityConfigurationDocument; readonly positions: PositionIndex }
  | { readonly ok: false; readonly error: DecodeFailure };

const GO_VERSION_KIND_STRUCT =
  'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

/** The fully defaulted configuration upstream uses when no file is given. */
export function defaultPodSecurityConfiguration(
  apiVersion = `${PSA_CONFIG_GROUP}/v1`,
): PodSecurityConfigurationDocument {
  return {
    apiVersion,
    kind: PSA_CONFIG_KIND,
    defaults: {
      enforce: 'privileged',
      'enforce-version': 'latest',
      audit: 'privileged',
      'audit-version': 'latest',
      warn: 'privileged',
      'warn-version': 'latest',
    },
    exemptions: { usernames: [], namespaces: [], runtimeClasses: [] },
  };
}

/**
 * Decodes a PodSecurityConfiguration from file content exactly as upstream's `LoadFromData` does: empty content is
 * the default; JSON (first non-blank `{`) keeps document order; YAML is converted like Kubernetes' YAML-to-JSON
 * (first document only, keys sorted, duplicates last-wins but reported as strict errors).
 */
export function decodePodSecurityConfigurationText(text: string, file: string): DecodeResult {
  if (text.length === 0) return { ok: true, document: defaultPodSecurityConfiguration(), positions: new Map() };
  const json = looksLikeJson(text);
  const parsed = parseDocuments(text, file, { json });
  const syntax = parsed.problems[0];
  if (syntax !== undefined) {
    const prefix = json ? "couldn't get version/kind; json parse error: " : 'yaml: ';
    return { ok: false, error: { message: `${prefix}${syntax.message}`, pos: syntax.pos } };
  }
  const first = parsed.documents[0];
  const root: TreeNode = first?.root ?? { kind: 'scalar', type: 'null', value: '', pos: { file, line: 1, col: 1 } };
  const duplicates = json ? [] : (first?.duplicates ?? []);
  const yamlDuplicateMessage =
    duplicates.length === 0
      ? undefined
      : `yaml: unmarshal errors:\n${duplicates.map((d) => `  line ${String(d.pos.line)}: key ${d.keyType === 'string' ? goQuote(d.key) : d.key} already set in map`).join('\n')}`;
  return decodePodSecurityConfigurationNode(json ? root : normalizeLikeYamlToJson(root), {
    original: text,
    jsonDuplicates: json,
    ...(yamlDuplicateMessage === undefined
      ? {}
      : { yamlDuplicates: { message: yamlDuplicateMessage, pos: duplicates[0]!.pos } }),
  });
}

export interface NodeDecodeOptions {
  /** The text quoted by `Object 'Kind' is missing in '…'`; defaults to the node rendered as JSON. */
  readonly original?: string;
  /** Report repeated keys as `duplicate field` (JSON input); YAML input reports them through `yamlDuplicates`. */
  readonly jsonDuplicates?: boolean;
  readonly yamlDuplicates?: DecodeFailure;
}

interface DecodeState {
  typeError: DecodeFailure | undefined;
  readonly strict: DecodeFailure[];
  readonly positions: Map<string, Position>;
}

/** Decodes an already-parsed node (an embedded configuration, or a merged Talos tree). */
export function decodePodSecurityConfigurationNode(root: TreeNode, options: NodeDecodeOptions = {}): DecodeResult {
  const original = options.original ?? renderJson(root);
  // Step 1: find apiVersion and kind as Go's case-insensitive json.Unmarshal into a two-field struct would.
  if (root.kind !== 'map') {
    if (root.kind === 'scalar' && root.type === 'null')
      return fail(`Object 'Kind' is missing in '${original}'`, root.pos);
    return fail(
      `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonTypeName(root)} into Go value of type ${GO_VERSION_KIND_STRUCT}`,
      root.pos,
    );
  }
  let apiVersion = '';
  let kind = '';
  let kindError: DecodeFailure | undefined;
  for (const entry of root.entries) {
    const lower = entry.key.toLowerCase();
    if (lower !== 'apiversion' && lower !== 'kind') continue;
    const field = lower === 'kind' ? 'kind' : 'apiVersion';
    const v = entry.value;
    if (v.kind === 'scalar' && v.type === 'null') continue;
    if (v.kind === 'scalar' && v.type === 'string') {
      if (field === 'kind') kind = v.value;
      else apiVersion = v.value;
      continue;
    }
    kindError ??= {
      message: `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonTypeName(v)} into Go struct field .${field} of type string`,
      pos: v.pos,
    };
  }
  if (kindError !== undefined) return { ok: false, error: kindError };
  const gv = parseGroupVersion(apiVersion);
  if (gv === undefined) return fail(`unexpected GroupVersion string: ${apiVersion}`, positionOfKey(root, 'apiVersion'));
  if (kind === '') return fail(`Object 'Kind' is missing in '${original}'`, root.pos);
  if (gv.version === '') return fail(`Object 'apiVersion' is missing in '${original}'`, root.pos);
  const known =
    gv.group === PSA_CONFIG_GROUP &&
    (gv.version === INTERNAL_VERSION || (PSA_CONFIG_VERSIONS as readonly string[]).includes(gv.version));
  if (!known || kind !== PSA_CONFIG_KIND) {
    const gvText = gv.group === '' ? gv.version : `${gv.group}/${gv.version}`;
    return fail(
      `no kind ${goQuote(kind)} is registered for version ${goQuote(gvText)} in scheme ${goQuote(SCHEME_NAME)}`,
      positionOfKey(root, 'kind'),
    );
  }
  const pkg = gv.version === INTERNAL_VERSION ? 'api' : gv.version;

  // Step 2: the strict decode into the versioned struct.
  const state: DecodeState = { typeError: undefined, strict: [], positions: new Map() };
  if (options.yamlDuplicates !== undefined) state.strict.push(options.yamlDuplicates);
  const defaults: Record<DefaultField, string> = {
    enforce: '',
    'enforce-version': '',
    audit: '',
    'audit-version': '',
    warn: '',
    'warn-version': '',
  };
  const exemptions: Record<ExemptionField, string[]> = { usernames: [], namespaces: [], runtimeClasses: [] };
  const seenTop = new Map<string, boolean>();
  for (const entry of root.entries) {
    if (options.jsonDuplicates === true) noteDuplicate(seenTop, entry.key, entry.key, entry.keyPos, state);
    switch (entry.key) {
      case 'apiVersion':
      case 'kind':
        break;
      case 'defaults':
        decodeDefaults(entry.value, defaults, pkg, state, options);
        break;
      case 'exemptions':
        decodeExemptions(entry.value, exemptions, pkg, state, options);
        break;
      default:
        state.strict.push({ message: `unknown field ${goQuote(entry.key)}`, pos: entry.keyPos });
    }
  }
  if (state.typeError !== undefined) return { ok: false, error: state.typeError };
  if (state.strict.length > 0) {
    return {
      ok: false,
      error: {
        message: `strict decoding error: ${state.strict.map((e) => e.message).join(', ')}`,
        ...posOf(state.strict[0]),
      },
    };
  }
  // Step 3: defaulting (the external versions only).
  if (gv.version !== INTERNAL_VERSION) {
    for (const field of DEFAULT_FIELDS)
      if (defaults[field] === '') defaults[field] = field.endsWith('-version') ? 'latest' : 'privileged';
  }
  return {
    ok: true,
    document: { apiVersion, kind: PSA_CONFIG_KIND, defaults, exemptions },
    positions: state.positions,
  };
}

function posOf(failure: DecodeFailure | undefined): { pos?: Position } {
  return failure?.pos === undefined ? {} : { pos: failure.pos };
}

function fail(message: string, pos: Position | undefined): DecodeResult {
  return { ok: false, error: pos === undefined ? { message } : { message, pos } };
}

function positionOfKey(root: TreeNode, key: string): Position | undefined {
  if (root.kind !== 'map') return undefined;
  const entry = root.entries.find((e) => e.key.toLowerCase() === key.toLowerCase());
  return entry?.value.pos ?? root.pos;
}

function typeError(state: DecodeState, node: TreeNode, structName: string, path: string, goType: string): void {
  state.typeError ??= {
    message: `json: cannot unmarshal ${jsonTypeName(node)} into Go struct field ${structName}.${path} of type ${goType}`,
    pos: node.pos,
  };
}

/** JSON input: a repeated field is reported once, at its second occurrence. */
function noteDuplicate(seen: Map<string, boolean>, key: string, path: string, pos: Position, state: DecodeState): void {
  const reported = seen.get(key);
  if (reported === false) {
    state.strict.push({ message: `duplicate field ${goQuote(path)}`, pos });
    seen.set(key, true);
  } else if (reported === undefined) {
    seen.set(key, false);
  }
}

function isNull(node: TreeNode): boolean {
  return node.kind === 'scalar' && node.type === 'null';
}

function decodeDefaults(
  node: TreeNode,
  out: Record<DefaultField, string>,
  pkg: string,
  state: DecodeState,
  options: NodeDecodeOptions,
): void {
  if (isNull(node)) return;
  if (node.kind !== 'map') {
    typeError(state, node, 'PodSecurityConfiguration', 'defaults', `${pkg}.PodSecurityDefaults`);
    return;
  }
  const seen = new Map<string, boolean>();
  for (const entry of node.entries) {
    const path = `defaults.${entry.key}`;
    if (options.jsonDuplicates === true) noteDuplicate(seen, entry.key, path, entry.keyPos, state);
    if (!(DEFAULT_FIELDS as readonly string[]).includes(entry.key)) {
      state.strict.push({ message: `unknown field ${goQuote(path)}`, pos: entry.keyPos });
      continue;
    }
    const field = entry.key as DefaultField;
    const v = entry.value;
    if (isNull(v)) continue;
    if (v.kind === 'scalar' && v.type === 'string') {
      out[field] = v.value;
      state.positions.set(path, v.pos);
    } else {
      typeError(state, v, 'PodSecurityDefaults', path, 'string');
    }
  }
}

function decodeExemptions(
  node: TreeNode,
  out: Record<ExemptionField, string[]>,
  pkg: string,
  state: DecodeState,
  options: NodeDecodeOptions,
): void {
  if (isNull(node)) return;
  if (node.kind !== 'map') {
    typeError(state, node, 'PodSecurityConfiguration', 'exemptions', `${pkg}.PodSecurityExemptions`);
    return;
  }
  const seen = new Map<string, boolean>();
  for (const entry of node.entries) {
    const path = `exemptions.${entry.key}`;
    if (options.jsonDuplicates === true) noteDuplicate(seen, entry.key, path, entry.keyPos, state);
    if (!(EXEMPTION_FIELDS as readonly string[]).includes(entry.key)) {
      state.strict.push({ message: `unknown field ${goQuote(path)}`, pos: entry.keyPos });
      continue;
    }
    const field = entry.key as ExemptionField;
    const v = entry.value;
    if (isNull(v)) {
      out[field] = [];
      continue;
    }
    if (v.kind !== 'seq') {
      typeError(state, v, 'PodSecurityExemptions', path, '[]string');
      continue;
    }
    const list: string[] = [];
    v.items.forEach((item, i) => {
      if (isNull(item)) list.push('');
      else if (item.kind === 'scalar' && item.type === 'string') list.push(item.value);
      else {
        typeError(state, item, 'PodSecurityExemptions', path, 'string');
        list.push('');
      }
      state.positions.set(`${path}[${String(i)}]`, item.pos);
    });
    out[field] = list;
  }
}

function parseGroupVersion(text: string): { group: string; version: string } | undefined {
  if (text === '' || text === '/') return { group: '', version: '' };
  const parts = text.split('/');
  if (parts.length === 1) return { group: '', version: text };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  return undefined;
}

function renderJson(node: TreeNode): string {
  if (node.kind === 'seq') return `[${node.items.map(renderJson).join(',')}]`;
  if (node.kind === 'map') {
    const entries = [...node.entries].sort((a, b) => compareCodePoints(a.key, b.key));
    return `{${entries.map((e) => `${JSON.stringify(e.key)}:${renderJson(e.value)}`).join(',')}}`;
  }
  if (node.type === 'string') return JSON.stringify(node.value);
  if (node.type === 'null') return 'null';
  if (node.type === 'bool') return /^(y|yes|on|true)$/i.test(node.value) ? 'true' : 'false';
  return jsonNumber(node.value);
}

/** A YAML 1.1 number as Kubernetes' YAML-to-JSON conversion writes it (`0x1f` is `31`, `1.50` is `1.5`). */
function jsonNumber(text: string): string {
  const plain = text.replaceAll('_', '');
  const int = /^([-+]?)(0x[0-9a-fA-F]+|0o[0-7]+|0b[01]+|0[0-7]+|[0-9]+)$/.exec(plain);
  if (int !== null) {
    const digits = int[2]!;
    const value = /^0[0-7]+$/.test(digits) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
    return `${int[1] === '-' && value !== 0n ? '-' : ''}${value.toString()}`;
  }
  const n = Number(plain);
  return Number.isFinite(n) ? String(n) : text;
}

/** A problem found after decoding, with upstream's message and the field it concerns. */
export interface ConfigProblem {
  readonly message: string;
  readonly path: string;
  readonly pos?: Position;
}

/**
 * Upstream's defaults-to-policy step: each field parsed in order enforce, enforce-version, audit, audit-version, warn,
 * warn-version; empty values are `required`. The error text is the aggregate of `<field>: <message>`.
 */
export function defaultsToPolicy(
  defaults: Readonly<Record<DefaultField, string>>,
):
  | { readonly ok: true; readonly policy: Policy }
  | { readonly ok: false; readonly message: string; readonly fields: readonly DefaultField[] } {
  const errors: string[] = [];
  const fields: DefaultField[] = [];
  const lv = (levelField: DefaultField, versionField: DefaultField): LevelVersion => {
    const levelText = defaults[levelField];
    const versionText = defaults[versionField];
    const level = parseLevel(levelText);
    const version = parseVersion(versionText);
    if (levelText === '') errors.push(`${levelField}: required`);
    else if (!level.ok) errors.push(`${levelField}: ${level.error}`);
    if (levelText === '' || !level.ok) fields.push(levelField);
    if (versionText === '') errors.push(`${versionField}: required`);
    else if (!version.ok) errors.push(`${versionField}: ${version.error}`);
    if (versionText === '' || !version.ok) fields.push(versionField);
    return { level: level.value, version: version.value };
  };
  const enforce = lv('enforce', 'enforce-version');
  const audit = lv('audit', 'audit-version');
  const warn = lv('warn', 'warn-version');
  if (errors.length > 0) return { ok: false, message: aggregateMessages(errors), fields };
  return { ok: true, policy: { enforce, audit, warn } };
}

const VALIDATION_ORDER: readonly DefaultField[] = [
  'enforce',
  'enforce-version',
  'warn',
  'warn-version',
  'audit',
  'audit-version',
];

/** Upstream's validation of a decoded configuration: every field error, in upstream's order. */
export function validatePodSecurityConfiguration(document: PodSecurityConfigurationDocument): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of VALIDATION_ORDER) {
    const value = document.defaults[field];
    const parsed = field.endsWith('-version') ? parseVersion(value) : parseLevel(value);
    if (!parsed.ok) errors.push(invalidValue(`defaults.${field}`, value, parsed.error));
  }
  const listChecks: readonly [ExemptionField, (v: string) => string[]][] = [
    ['namespaces', namespaceNameMessages],
    ['runtimeClasses', subdomainMessages],
    ['usernames', (v) => (v === '' ? ['username must not be empty'] : [])],
  ];
  for (const [field, check] of listChecks) {
    const valid = new Set<string>();
    document.exemptions[field].forEach((value, i) => {
      const path = `exemptions.${field}[${String(i)}]`;
      const messages = check(value);
      if (messages.length > 0) errors.push(invalidValue(path, value, messages.join(', ')));
      else if (valid.has(value)) errors.push(duplicateValue(path, value));
      else valid.add(value);
    });
  }
  return errors;
}

/** The outcome of turning a decoded document into admission settings. */
export type SettingsResult =
  | { readonly ok: true; readonly settings: AdmissionSettings }
  | {
      readonly ok: false;
      /** Every problem, located (validation errors, or the defaults-to-policy error when validation passes). */
      readonly problems: readonly ConfigProblem[];
      /** What upstream's webhook prints before exiting: `configuration error: …` or `invalid configuration: …`. */
      readonly upstreamMessage: string;
    };

/** Runs upstream's defaults-to-policy step and validation; returns the settings admission runs with. */
export function toAdmissionSettings(
  document: PodSecurityConfigurationDocument,
  positions: PositionIndex = new Map(),
): SettingsResult {
  const policy = defaultsToPolicy(document.defaults);
  const validation = validatePodSecurityConfiguration(document);
  const located = (path: string, message: string): ConfigProblem => {
    const pos = positions.get(path);
    return pos === undefined ? { message, path } : { message, path, pos };
  };
  if (!policy.ok) {
    const problems =
      validation.length > 0
        ? validation.map((e) => located(e.path, formatFieldError(e)))
        : [located('defaults', policy.message)];
    return { ok: false, problems, upstreamMessage: `configuration error: ${policy.message}` };
  }
  if (validation.length > 0) {
    return {
      ok: false,
      problems: validation.map((e) => located(e.path, formatFieldError(e))),
      upstreamMessage: `invalid configuration: ${aggregateMessages(validation.map(formatFieldError))}`,
    };
  }
  const { usernames, namespaces, runtimeClasses } = document.exemptions;
  return {
    ok: true,
    settings: {
      defaults: policy.policy,
      exemptions: { usernames: [...usernames], namespaces: [...namespaces], runtimeClasses: [...runtimeClasses] },
    },
  };
}
