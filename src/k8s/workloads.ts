/**
 * The pod-bearing kinds and the extraction of their pod template (spec §5.5), plus the Namespace decoder.
 *
 * Kinds are matched by API group and kind; any version of the group is accepted (`apps/v1`, `apps/v1beta2`, `batch/v1`,
 * `batch/v1beta1`, core `v1`). The template is decoded with issue paths relative to the object root
 * (`spec.template.spec.containers[0]...`).
 */
import { type Issue, IssueCodes } from '../api/issue.ts';
import { type Decoded, guarded, readObjectMeta, readPodShape, readPodSpec } from './decode-pod.ts';
import { IssueSink, type RawObject, isRawObject, joinPath, objectField, stringField } from './decode-primitives.ts';
import type { Namespace } from './namespace.ts';
import type { ObjectMeta, PodShape } from './pod.ts';

/** Where a pod-bearing kind keeps its pod template. */
export interface PodBearingKind {
  /** API group: `""` for core. */
  readonly group: string;
  readonly kind: string;
  /** Path of the template from the object root; `""` for a Pod, which is its own template. */
  readonly templatePath: string;
  /** True when the template may be absent, in which case nothing is evaluated (only ReplicationController). */
  readonly templateOptional: boolean;
}

/** Every kind whose objects carry a pod template, in the order of spec §5.5. */
export const POD_BEARING_KINDS: readonly PodBearingKind[] = Object.freeze([
  { group: '', kind: 'Pod', templatePath: '', templateOptional: false },
  { group: '', kind: 'PodTemplate', templatePath: 'template', templateOptional: false },
  { group: '', kind: 'ReplicationController', templatePath: 'spec.template', templateOptional: true },
  { group: 'apps', kind: 'ReplicaSet', templatePath: 'spec.template', templateOptional: false },
  { group: 'apps', kind: 'Deployment', templatePath: 'spec.template', templateOptional: false },
  { group: 'apps', kind: 'DaemonSet', templatePath: 'spec.template', templateOptional: false },
  { group: 'apps', kind: 'StatefulSet', templatePath: 'spec.template', templateOptional: false },
  { group: 'batch', kind: 'Job', templatePath: 'spec.template', templateOptional: false },
  { group: 'batch', kind: 'CronJob', templatePath: 'spec.jobTemplate.spec.template', templateOptional: false },
]);

interface KindEntry extends PodBearingKind {
  readonly info: PodBearingKind;
  readonly templateSteps: readonly string[];
}

// Keyed by group, then kind, so lookups need no string building.
const byGroup = new Map<string, Map<string, KindEntry>>();
for (const k of POD_BEARING_KINDS) {
  const kinds = byGroup.get(k.group) ?? new Map<string, KindEntry>();
  kinds.set(k.kind, { ...k, info: k, templateSteps: k.templatePath === '' ? [] : k.templatePath.split('.') });
  byGroup.set(k.group, kinds);
}

function lookupKind(apiVersion: string, kind: string): KindEntry | undefined {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return apiVersion === '' ? undefined : byGroup.get('')?.get(kind);
  if (parseApiVersion(apiVersion) === undefined) return undefined;
  return byGroup.get(apiVersion.slice(0, slash))?.get(kind);
}

/** Splits `apps/v1` into group and version (`v1` is the core group). `undefined` for malformed values. */
export function parseApiVersion(apiVersion: string): { readonly group: string; readonly version: string } | undefined {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return apiVersion === '' ? undefined : { group: '', version: apiVersion };
  const group = apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  if (group === '' || version === '' || version.includes('/')) return undefined;
  return { group, version };
}

/** Renders a group/version/kind the way upstream's error messages do: `/v1, Kind=ConfigMap`, `apps/v1, Kind=Foo`. */
export function formatGroupVersionKind(apiVersion: string, kind: string): string {
  const gv = parseApiVersion(apiVersion);
  return gv === undefined ? `${apiVersion}, Kind=${kind}` : `${gv.group}/${gv.version}, Kind=${kind}`;
}

/** The pod-bearing kind for an apiVersion and kind, if any. */
export function podBearingKind(apiVersion: string, kind: string): PodBearingKind | undefined {
  return lookupKind(apiVersion, kind)?.info;
}

/** True for Pod, PodTemplate, ReplicationController, ReplicaSet, Deployment, DaemonSet, StatefulSet, Job, CronJob. */
export function isPodBearing(apiVersion: string, kind: string): boolean {
  return podBearingKind(apiVersion, kind) !== undefined;
}

/** A decoded pod-bearing object: its own metadata and its pod template. */
export interface PodBearingWorkload {
  readonly podBearing: true;
  readonly apiVersion: string;
  readonly kind: string;
  /** The object's own metadata (for a Pod, also the template's). */
  readonly metadata: ObjectMeta;
  /** The pod template, or `null` when a ReplicationController has none (nothing to evaluate). */
  readonly template: PodShape | null;
  /** Path of the template from the object root (`""` for a Pod, `spec.template`, ...). */
  readonly templatePath: string;
  readonly issues: readonly Issue[];
}

/** Any other object (ConfigMap, Service, ...), or one whose kind or apiVersion is missing or malformed. */
export interface OtherObject {
  readonly podBearing: false;
  /** `""` when missing or not a string (an issue says which). */
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly issues: readonly Issue[];
}

export type DecodedWorkload = PodBearingWorkload | OtherObject;

const EMPTY_POD: PodShape = Object.freeze({ metadata: Object.freeze({}), spec: Object.freeze({}) });

/**
 * Decodes any Kubernetes object: identifies it by apiVersion and kind and, for pod-bearing kinds, extracts and decodes
 * the pod template. A missing intermediate object (`spec`, `jobTemplate`) gives an empty template, which passes every
 * level, except for a ReplicationController, whose template is optional. Never throws.
 */
export function decodeWorkload(raw: unknown): DecodedWorkload {
  const sink = new IssueSink();
  return guarded(sink, () => readWorkload(raw, sink), undefined) ?? other('', '', EMPTY_META, sink);
}

const EMPTY_META: ObjectMeta = Object.freeze({});

function other(apiVersion: string, kind: string, metadata: ObjectMeta, sink: IssueSink): OtherObject {
  return { podBearing: false, apiVersion, kind, metadata, issues: sink.finish() };
}

function podBearing(
  apiVersion: string,
  kind: string,
  metadata: ObjectMeta,
  template: PodShape | null,
  templatePath: string,
  sink: IssueSink,
): PodBearingWorkload {
  return { podBearing: true, apiVersion, kind, metadata, template, templatePath, issues: sink.finish() };
}

function readWorkload(raw: unknown, sink: IssueSink): DecodedWorkload {
  if (!isRawObject(raw)) {
    if (raw === undefined || raw === null) sink.add('', IssueCodes.invalidValue, 'expected an object, got nothing');
    else sink.wrongType('', 'object', raw);
    return other('', '', EMPTY_META, sink);
  }
  const apiVersion = requiredString(raw, 'apiVersion', sink);
  const kind = requiredString(raw, 'kind', sink);
  const metadata = readObjectMeta(raw['metadata'], 'metadata', sink);
  if (apiVersion !== '' && parseApiVersion(apiVersion) === undefined) {
    sink.add('apiVersion', IssueCodes.invalidValue, `malformed apiVersion ${JSON.stringify(apiVersion)}`);
  }
  const info = lookupKind(apiVersion, kind);
  if (info === undefined) return other(apiVersion, kind, metadata, sink);
  const path = info.templatePath;
  if (path === '') {
    const template: PodShape = { metadata, spec: readPodSpec(raw['spec'], 'spec', sink) };
    return podBearing(apiVersion, kind, metadata, template, path, sink);
  }
  // Walk down to the template's parent, reporting wrongly typed intermediate objects.
  const steps = info.templateSteps;
  let parent: RawObject | undefined = raw;
  let parentPath = '';
  for (let i = 0; i < steps.length - 1 && parent !== undefined; i++) {
    parent = objectField(parent, steps[i]!, parentPath, sink);
    parentPath = joinPath(parentPath, steps[i]!);
  }
  const templateRaw = parent?.[steps.at(-1)!];
  const absent = info.templateOptional ? null : EMPTY_POD;
  if (templateRaw === undefined || templateRaw === null) {
    return podBearing(apiVersion, kind, metadata, absent, path, sink);
  }
  if (!isRawObject(templateRaw)) {
    sink.wrongType(path, 'object', templateRaw);
    return podBearing(apiVersion, kind, metadata, absent, path, sink);
  }
  return podBearing(apiVersion, kind, metadata, readPodShape(templateRaw, path, sink), path, sink);
}

function requiredString(raw: RawObject, key: string, sink: IssueSink): string {
  const value = raw[key];
  if (value === undefined || value === null || value === '') {
    sink.add(key, IssueCodes.invalidValue, `${key} is required`);
    return '';
  }
  return stringField(raw, key, '', sink) ?? '';
}

/**
 * Decodes a Namespace: its metadata (name and labels are what Pod Security reads). `kind` and `apiVersion` may be
 * absent (list items often lack them); when present they must be `Namespace` and `v1`.
 */
export function decodeNamespace(raw: unknown): Decoded<Namespace> {
  const sink = new IssueSink();
  const value = guarded(
    sink,
    (): Namespace => {
      if (!isRawObject(raw)) {
        if (raw === undefined || raw === null) sink.add('', IssueCodes.invalidValue, 'expected an object, got nothing');
        else sink.wrongType('', 'object', raw);
        return { metadata: {} };
      }
      const kind = stringField(raw, 'kind', '', sink);
      if (kind !== undefined && kind !== 'Namespace') {
        sink.add('kind', IssueCodes.unknownKind, `expected Namespace, got ${JSON.stringify(kind)}`);
      }
      const apiVersion = stringField(raw, 'apiVersion', '', sink);
      if (apiVersion !== undefined && apiVersion !== 'v1') {
        sink.add('apiVersion', IssueCodes.unknownKind, `expected v1, got ${JSON.stringify(apiVersion)}`);
      }
      return { metadata: readObjectMeta(raw['metadata'], 'metadata', sink) };
    },
    { metadata: {} },
  );
  return { value, issues: sink.finish() };
}
