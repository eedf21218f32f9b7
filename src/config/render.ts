/**
 * Renderings of an effective configuration: the PodSecurityConfiguration (`config show`), the AdmissionConfiguration
 * file Talos hands kube-apiserver, the `AdmissionControlConfigs` resource as `talosctl get admissioncontrolconfigs
 * -o yaml` prints it, and a minimal Talos patch that turns Talos' default into the effective configuration.
 *
 * Talos and kube-apiserver print with Go's YAML encoder (4-space indentation, map keys sorted, sequences indented
 * under their key); `emitGoYaml` reproduces that layout for the shapes used here.
 */
import { compareCodePoints, resolvePlainYaml, toPlain } from './tree.ts';
import {
  DEFAULT_FIELDS,
  EXEMPTION_FIELDS,
  type PodSecurityConfigurationDocument,
} from './pod-security-configuration.ts';
import { POD_SECURITY_PLUGIN, TALOS_DEFAULT_POD_SECURITY } from './talos.ts';
import type { Resolution } from './load.ts';

type Plain = string | number | boolean | null | readonly Plain[] | { readonly [key: string]: Plain };

const SAFE_PLAIN = /^[A-Za-z0-9_./@(][A-Za-z0-9 _./:@()+=-]*$/;

function scalarText(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value !== 'string') return String(value);
  if (
    value !== '' &&
    SAFE_PLAIN.test(value) &&
    !value.endsWith(' ') &&
    !value.includes(': ') &&
    !value.includes(' #') &&
    resolvePlainYaml(value) === 'string'
  ) {
    return value;
  }
  return JSON.stringify(value);
}

function isMap(value: Plain): value is { readonly [key: string]: Plain } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function pad(n: number): string {
  return ' '.repeat(n);
}

export interface EmitOptions {
  /** Indentation step (Go's encoder uses 4). */
  readonly indent?: number;
  /** Sort map keys byte-wise (Go maps); otherwise insertion order (Go structs). */
  readonly sortKeys?: boolean;
}

/** Emits YAML laid out like Go's yaml.v3 encoder. */
export function emitGoYaml(value: Plain, options: EmitOptions = {}): string {
  const step = options.indent ?? 4;
  const lines: string[] = [];
  const keysOf = (map: { readonly [key: string]: Plain }): string[] => {
    const keys = Object.keys(map);
    return options.sortKeys === true ? keys.sort(compareCodePoints) : keys;
  };
  const inline = (v: Plain): string | undefined => {
    if (Array.isArray(v)) return v.length === 0 ? '[]' : undefined;
    if (isMap(v)) return Object.keys(v).length === 0 ? '{}' : undefined;
    return scalarText(v as string | number | boolean | null);
  };
  const emitMap = (
    map: { readonly [key: string]: Plain },
    col: number,
    first: string | undefined,
    childCol: number,
  ): void => {
    keysOf(map).forEach((key, i) => {
      const v = map[key]!;
      const lead = i === 0 && first !== undefined ? first : pad(col);
      const text = inline(v);
      if (text !== undefined) lines.push(`${lead}${scalarText(key)}: ${text}`);
      else {
        lines.push(`${lead}${scalarText(key)}:`);
        emitBlock(v, childCol);
      }
    });
  };
  const emitBlock = (v: Plain, col: number): void => {
    if (Array.isArray(v)) {
      for (const item of v as readonly Plain[]) {
        const text = inline(item);
        if (text !== undefined) lines.push(`${pad(col)}- ${text}`);
        else if (isMap(item)) emitMap(item, col + 2, `${pad(col)}- `, col + step);
        else {
          lines.push(`${pad(col)}-`);
          emitBlock(item, col + step);
        }
      }
    } else if (isMap(v)) {
      emitMap(v, col, undefined, col + step);
    } else {
      lines.push(`${pad(col)}${scalarText(v as string | number | boolean | null)}`);
    }
  };
  const text = inline(value);
  if (text !== undefined) return `${text}\n`;
  emitBlock(value, 0);
  return `${lines.join('\n')}\n`;
}

/** The document in upstream's field order. */
export function documentToPlain(document: PodSecurityConfigurationDocument): { readonly [key: string]: Plain } {
  const defaults: Record<string, Plain> = {};
  for (const field of DEFAULT_FIELDS) defaults[field] = document.defaults[field];
  const exemptions: Record<string, Plain> = {};
  for (const field of EXEMPTION_FIELDS) exemptions[field] = [...document.exemptions[field]];
  return { apiVersion: document.apiVersion, kind: document.kind, defaults, exemptions };
}

export const OutputFormats = { yaml: 'yaml', json: 'json' } as const;
export type OutputFormat = (typeof OutputFormats)[keyof typeof OutputFormats];

/** `psa config show`: the effective PodSecurityConfiguration. */
export function renderDocument(document: PodSecurityConfigurationDocument, format: OutputFormat): string {
  const plain = documentToPlain(document);
  if (format === 'json') return `${JSON.stringify(plain, null, 2)}\n`;
  return emitGoYaml(plain, { indent: 2 });
}

/** The configuration as Talos carries it: the raw (merged) map for Talos sources, otherwise the effective document. */
function pluginConfiguration(resolution: Resolution, document: PodSecurityConfigurationDocument): Plain {
  const talos = resolution.source?.kind.startsWith('talos') === true;
  if (talos && resolution.configNode !== undefined) return toPlain(resolution.configNode) as Plain;
  return documentToPlain(document);
}

/** The AdmissionConfiguration file kube-apiserver reads (`--admission-control-config-file`). */
export function renderAdmissionConfiguration(
  resolution: Resolution,
  document: PodSecurityConfigurationDocument,
): string {
  const doc: Plain = {
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'AdmissionConfiguration',
    plugins: [{ name: POD_SECURITY_PLUGIN, configuration: pluginConfiguration(resolution, document) }],
  };
  return emitGoYamlMixed(doc);
}

/** The `AdmissionControlConfigs.kubernetes.talos.dev` resource as `talosctl get admissioncontrolconfigs -o yaml` prints it. */
export function renderTalosResource(resolution: Resolution, document: PodSecurityConfigurationDocument): string {
  const config =
    resolution.source?.kind === 'talos-none'
      ? []
      : [{ name: POD_SECURITY_PLUGIN, configuration: pluginConfiguration(resolution, document) }];
  const doc: Plain = {
    metadata: {
      namespace: 'controlplane',
      type: 'AdmissionControlConfigs.kubernetes.talos.dev',
      id: 'admission-control',
      version: 1,
      owner: 'config.K8sControlPlaneController',
      phase: 'running',
    },
    spec: { config },
  };
  return emitGoYamlMixed(doc);
}

/** Struct fields keep their order; everything inside a plugin `configuration` (a Go map) is sorted. */
function emitGoYamlMixed(doc: Plain): string {
  return emitGoYaml(sortInside(doc, false));
}

function sortInside(value: Plain, sorting: boolean): Plain {
  if (Array.isArray(value)) return (value as readonly Plain[]).map((v) => sortInside(v, sorting));
  if (!isMap(value)) return value;
  const keys = Object.keys(value);
  if (sorting) keys.sort(compareCodePoints);
  const out: Record<string, Plain> = {};
  for (const key of keys) out[key] = sortInside(value[key]!, sorting || key === 'configuration');
  return out;
}

/**
 * A Talos machine-config patch (legacy `cluster.apiServer.admissionControl`) that turns Talos' default into the
 * effective configuration. Scalars are replaced and lists append, so lists that extend the default's are patched
 * with the new items only; anything else replaces the entry (`$patch: delete`, then the full entry).
 */
export function renderTalosPatch(document: PodSecurityConfigurationDocument): string {
  const base = TALOS_DEFAULT_POD_SECURITY;
  const wrap = (entries: readonly Plain[]): string =>
    emitGoYaml({ cluster: { apiServer: { admissionControl: entries } } });
  const extendsDefault = EXEMPTION_FIELDS.every((field) => {
    const have = document.exemptions[field];
    const baseList: readonly string[] = base.exemptions[field];
    return baseList.every((v, i) => have[i] === v);
  });
  if (!extendsDefault) {
    return (
      '# The exemption lists do not extend the default ones, and Talos patches append to lists: replace the entry.\n' +
      wrap([
        { name: POD_SECURITY_PLUGIN, $patch: 'delete' },
        { name: POD_SECURITY_PLUGIN, configuration: sortInside(documentToPlain(document), true) },
      ])
    );
  }
  const configuration: Record<string, Plain> = {};
  if (document.apiVersion !== base.apiVersion) configuration['apiVersion'] = document.apiVersion;
  const defaults: Record<string, Plain> = {};
  for (const field of DEFAULT_FIELDS)
    if (document.defaults[field] !== base.defaults[field]) defaults[field] = document.defaults[field];
  if (Object.keys(defaults).length > 0) configuration['defaults'] = defaults;
  const exemptions: Record<string, Plain> = {};
  for (const field of EXEMPTION_FIELDS) {
    const extra = document.exemptions[field].slice(base.exemptions[field].length);
    if (extra.length > 0) exemptions[field] = extra;
  }
  if (Object.keys(exemptions).length > 0) configuration['exemptions'] = exemptions;
  if (Object.keys(configuration).length === 0)
    return "# The effective configuration is Talos' default: no patch is needed.\n";
  return wrap([{ name: POD_SECURITY_PLUGIN, configuration: sortInside(configuration, true) }]);
}
