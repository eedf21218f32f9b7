/**
 * The CLI's view of the lower layers: decoding manifests into pod shapes, API-server defaults, namespace labels to
 * policy, and the engine. Kept in one file so the commands do not depend on the exact shape of each layer's API.
 */
import type { Issue } from '../api/issue.ts';
import type { LevelVersion } from '../api/level-version.ts';
import { applyApiServerDefaults, decodeNamespace, decodeWorkload, DefaultTargets, isPodBearing } from '../k8s/index.ts';
import type { ObjectMeta, PodShape, PodSpec } from '../k8s/index.ts';
import { evaluatePod } from '../policy/index.ts';
import type { PodEvaluation } from '../policy/index.ts';

export type { PodEvaluation };

export function evaluate(lv: LevelVersion, metadata: ObjectMeta, spec: PodSpec): PodEvaluation {
  return evaluatePod(lv, metadata, spec);
}

/** A manifest sorted into what the CLI does with it. */
export type DecodedManifest =
  | {
      readonly type: 'pod-bearing';
      readonly apiVersion: string;
      readonly kind: string;
      /** The object's own metadata (name, namespace). */
      readonly metadata: ObjectMeta;
      /** The pod (for Pods) or the pod template; null when a ReplicationController has no template. */
      readonly template: PodShape | null;
      /** Where the template sits, e.g. `spec.template` (`""` for a Pod). */
      readonly templatePath: string;
      readonly issues: readonly Issue[];
    }
  | { readonly type: 'namespace'; readonly metadata: ObjectMeta; readonly issues: readonly Issue[] }
  | { readonly type: 'other'; readonly apiVersion: string; readonly kind: string; readonly configuration: boolean }
  | { readonly type: 'invalid'; readonly message: string; readonly path: string };

/** Groups whose kinds we know: an unknown kind there is most likely a typo, so it is an error rather than skipped. */
const CORE_OTHER_KINDS = new Set([
  'ConfigMap',
  'Secret',
  'Service',
  'ServiceAccount',
  'Endpoints',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'LimitRange',
  'ResourceQuota',
  'Event',
  'Node',
  'Binding',
  'ComponentStatus',
  'List',
]);
const APPS_OTHER_KINDS = new Set(['ControllerRevision']);

/** Talos machine configs and patches: `version: v1alpha1` documents, or bare `machine:` / `cluster:` patches. */
function isTalosMachineConfig(raw: Readonly<Record<string, unknown>>): boolean {
  if (raw['kind'] !== undefined || raw['apiVersion'] !== undefined) return false;
  return raw['version'] === 'v1alpha1' || raw['machine'] !== undefined || raw['cluster'] !== undefined;
}

/** Configuration documents (PodSecurityConfiguration, AdmissionConfiguration, Talos documents): read with --config. */
function isConfigurationGroup(apiVersion: string, kind: string): boolean {
  const group = groupOf(apiVersion);
  if (group === 'pod-security.admission.config.k8s.io' || group === 'apiserver.config.k8s.io') return true;
  // Talos multi-document configs: `apiVersion: v1alpha1` with Talos kinds.
  return apiVersion === 'v1alpha1' && /Config$/.test(kind);
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Sorts a parsed manifest: pod-bearing (decoded), namespace, other kinds, or invalid (no apiVersion/kind). */
export function decodeManifest(raw: Readonly<Record<string, unknown>>): DecodedManifest {
  const apiVersion = raw['apiVersion'];
  const kind = raw['kind'];
  if (isTalosMachineConfig(raw))
    return { type: 'other', apiVersion: 'v1alpha1', kind: 'TalosMachineConfig', configuration: true };
  if (kind === undefined || kind === null || kind === '')
    return { type: 'invalid', message: 'missing kind', path: 'kind' };
  if (typeof kind !== 'string')
    return { type: 'invalid', message: `kind: expected string, got ${typeof kind}`, path: 'kind' };
  if (apiVersion === undefined || apiVersion === null || apiVersion === '') {
    return { type: 'invalid', message: `missing apiVersion (kind ${kind})`, path: 'kind' };
  }
  if (typeof apiVersion !== 'string')
    return { type: 'invalid', message: `apiVersion: expected string, got ${typeof apiVersion}`, path: 'apiVersion' };
  const group = groupOf(apiVersion);
  if (isConfigurationGroup(apiVersion, kind)) return { type: 'other', apiVersion, kind, configuration: true };
  if (kind === 'Namespace' && group === '') {
    const ns = decodeNamespace(raw);
    return { type: 'namespace', metadata: ns.value.metadata, issues: ns.issues };
  }
  if (isPodBearing(apiVersion, kind)) {
    const decoded = decodeWorkload(raw);
    if (decoded.podBearing) {
      const { metadata, template, templatePath, issues } = decoded;
      return { type: 'pod-bearing', apiVersion, kind, metadata, template, templatePath, issues };
    }
  }
  const otherKinds = apiVersion === 'v1' ? CORE_OTHER_KINDS : group === 'apps' ? APPS_OTHER_KINDS : undefined;
  const knownGroup = apiVersion === 'v1' || group === 'apps' || group === 'batch';
  if (knownGroup && !kind.endsWith('List') && otherKinds?.has(kind) !== true) {
    return { type: 'invalid', message: `unknown kind ${JSON.stringify(kind)} in ${apiVersion}`, path: 'kind' };
  }
  return { type: 'other', apiVersion, kind, configuration: isConfigurationGroup(apiVersion, kind) };
}

/**
 * The API-server defaults that change a verdict: a volume with no source becomes `emptyDir` (pods and templates), and
 * on Pods (not templates) with `hostNetwork: true` each container port's hostPort defaults to its containerPort.
 */
export function applyDefaults(shape: PodShape, isPod: boolean): PodShape {
  return applyApiServerDefaults(shape, isPod ? DefaultTargets.pod : DefaultTargets.template);
}
