/**
 * The default object decoder: resolves a request object's type the way upstream's universal deserializer does, and
 * decodes Pods, Namespaces and pod-template-bearing controllers through the `src/k8s` decoders.
 *
 * Upstream decodes into the full Go types, so a wrongly typed field anywhere fails the decode with an `encoding/json`
 * error such as `json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool`. For Pods,
 * Namespaces and the pod-template kinds we reproduce that from the generated type schema (`go-decode.ts`); the table
 * below maps the `src/k8s` decoders' issues to the same text as a fallback. Other registered kinds (ConfigMap, ...)
 * are not type-checked (upstream would report their decode errors; we report the missing pod template instead).
 */
import type { Issue } from '../api/issue.ts';
import { isWebhookSchemeKind } from '../k8s/admission-review.ts';
import type { GroupVersionKind, RawJson } from '../k8s/admission-review.ts';
import { decodeObjectMeta, decodePod } from '../k8s/decode-pod.ts';
import { goDecodeError as goSchemaDecodeError, goRootType } from './go-decode.ts';
import { goQuote } from './go-text.ts';
import type { AdmissionObject, ObjectDecodeResult } from './objects.ts';

/** The scheme's name in upstream's "not registered" errors (the webhook's `runtime.NewScheme()` call site). */
const SCHEME_NAME = 'pkg/runtime/scheme.go:111';

/** Where each pod-template-bearing kind keeps its template, and the Go struct/type names along the way. */
interface TemplateKind {
  /** JSON path segments from the object root to the template (empty for a Pod). */
  readonly path: readonly string[];
  /** For each prefix of `path` (1..n): `[Go struct holding the field, Go type of the field]`. */
  readonly goNames: readonly (readonly [string, string])[];
}

const TEMPLATE_KINDS: ReadonlyMap<string, TemplateKind> = new Map<string, TemplateKind>([
  ['v1/PodTemplate', { path: ['template'], goNames: [['PodTemplate', 'v1.PodTemplateSpec']] }],
  ...(['ReplicationController'] as const).map(
    (k) =>
      [
        `v1/${k}`,
        {
          path: ['spec', 'template'],
          goNames: [
            [k, `v1.${k}Spec`],
            [`${k}Spec`, 'v1.PodTemplateSpec'],
          ],
        },
      ] as const,
  ),
  ...(['ReplicaSet', 'Deployment', 'DaemonSet', 'StatefulSet'] as const).map(
    (k) =>
      [
        `apps/v1/${k}`,
        {
          path: ['spec', 'template'],
          goNames: [
            [k, `v1.${k}Spec`],
            [`${k}Spec`, 'v1.PodTemplateSpec'],
          ],
        },
      ] as const,
  ),
  [
    'batch/v1/Job',
    {
      path: ['spec', 'template'],
      goNames: [
        ['Job', 'v1.JobSpec'],
        ['JobSpec', 'v1.PodTemplateSpec'],
      ],
    },
  ],
  [
    'batch/v1/CronJob',
    {
      path: ['spec', 'jobTemplate', 'spec', 'template'],
      goNames: [
        ['CronJob', 'v1.CronJobSpec'],
        ['CronJobSpec', 'v1.JobTemplateSpec'],
        ['JobTemplateSpec', 'v1.JobSpec'],
        ['JobSpec', 'v1.PodTemplateSpec'],
      ],
    },
  ],
]);

/**
 * Go struct and type names of the fields Pod Security reads, by path relative to the pod (or template) with list
 * indices removed (`[]`) and map keys replaced by `.*`. `@` stands for the container struct (`Container` or
 * `EphemeralContainer`) and `#` for the list under `spec` the container came from.
 */
const POD_FIELDS: Readonly<Record<string, readonly [string, string]>> = {
  'metadata.name': ['ObjectMeta', 'string'],
  'metadata.generateName': ['ObjectMeta', 'string'],
  'metadata.namespace': ['ObjectMeta', 'string'],
  'metadata.uid': ['ObjectMeta', 'types.UID'],
  'metadata.labels': ['ObjectMeta', 'map[string]string'],
  'metadata.labels.*': ['ObjectMeta', 'string'],
  'metadata.annotations': ['ObjectMeta', 'map[string]string'],
  'metadata.annotations.*': ['ObjectMeta', 'string'],
  'metadata.ownerReferences': ['ObjectMeta', '[]v1.OwnerReference'],
  'metadata.ownerReferences[]': ['ObjectMeta', 'v1.OwnerReference'],
  'metadata.ownerReferences[].apiVersion': ['OwnerReference', 'string'],
  'metadata.ownerReferences[].kind': ['OwnerReference', 'string'],
  'metadata.ownerReferences[].name': ['OwnerReference', 'string'],
  'metadata.ownerReferences[].uid': ['OwnerReference', 'types.UID'],
  'metadata.ownerReferences[].controller': ['OwnerReference', 'bool'],
  'spec.hostNetwork': ['PodSpec', 'bool'],
  'spec.hostPID': ['PodSpec', 'bool'],
  'spec.hostIPC': ['PodSpec', 'bool'],
  'spec.hostUsers': ['PodSpec', 'bool'],
  'spec.os': ['PodSpec', 'v1.PodOS'],
  'spec.os.name': ['PodOS', 'v1.OSName'],
  'spec.runtimeClassName': ['PodSpec', 'string'],
  'spec.securityContext': ['PodSpec', 'v1.PodSecurityContext'],
  'spec.securityContext.runAsNonRoot': ['PodSecurityContext', 'bool'],
  'spec.securityContext.runAsUser': ['PodSecurityContext', 'int64'],
  'spec.securityContext.runAsGroup': ['PodSecurityContext', 'int64'],
  'spec.securityContext.fsGroup': ['PodSecurityContext', 'int64'],
  'spec.securityContext.seLinuxOptions': ['PodSecurityContext', 'v1.SELinuxOptions'],
  'spec.securityContext.seccompProfile': ['PodSecurityContext', 'v1.SeccompProfile'],
  'spec.securityContext.appArmorProfile': ['PodSecurityContext', 'v1.AppArmorProfile'],
  'spec.securityContext.sysctls': ['PodSecurityContext', '[]v1.Sysctl'],
  'spec.securityContext.sysctls[]': ['PodSecurityContext', 'v1.Sysctl'],
  'spec.securityContext.sysctls[].name': ['Sysctl', 'string'],
  'spec.securityContext.sysctls[].value': ['Sysctl', 'string'],
  'spec.securityContext.windowsOptions': ['PodSecurityContext', 'v1.WindowsSecurityContextOptions'],
  'spec.volumes': ['PodSpec', '[]v1.Volume'],
  'spec.volumes[]': ['PodSpec', 'v1.Volume'],
  'spec.volumes[].name': ['Volume', 'string'],
  'spec.containers': ['PodSpec', '[]v1.Container'],
  'spec.containers[]': ['PodSpec', 'v1.Container'],
  'spec.initContainers': ['PodSpec', '[]v1.Container'],
  'spec.initContainers[]': ['PodSpec', 'v1.Container'],
  'spec.ephemeralContainers': ['PodSpec', '[]v1.EphemeralContainer'],
  'spec.ephemeralContainers[]': ['PodSpec', 'v1.EphemeralContainer'],
  '#.name': ['@', 'string'],
  '#.image': ['@', 'string'],
  '#.ports': ['@', '[]v1.ContainerPort'],
  '#.ports[]': ['@', 'v1.ContainerPort'],
  '#.ports[].name': ['ContainerPort', 'string'],
  '#.ports[].containerPort': ['ContainerPort', 'int32'],
  '#.ports[].hostPort': ['ContainerPort', 'int32'],
  '#.ports[].protocol': ['ContainerPort', 'v1.Protocol'],
  '#.securityContext': ['@', 'v1.SecurityContext'],
  '#.securityContext.privileged': ['SecurityContext', 'bool'],
  '#.securityContext.allowPrivilegeEscalation': ['SecurityContext', 'bool'],
  '#.securityContext.capabilities': ['SecurityContext', 'v1.Capabilities'],
  '#.securityContext.capabilities.add': ['Capabilities', '[]v1.Capability'],
  '#.securityContext.capabilities.add[]': ['Capabilities', 'v1.Capability'],
  '#.securityContext.capabilities.drop': ['Capabilities', '[]v1.Capability'],
  '#.securityContext.capabilities.drop[]': ['Capabilities', 'v1.Capability'],
  '#.securityContext.procMount': ['SecurityContext', 'v1.ProcMountType'],
  '#.securityContext.readOnlyRootFilesystem': ['SecurityContext', 'bool'],
  '#.securityContext.runAsNonRoot': ['SecurityContext', 'bool'],
  '#.securityContext.runAsUser': ['SecurityContext', 'int64'],
  '#.securityContext.runAsGroup': ['SecurityContext', 'int64'],
  '#.securityContext.seLinuxOptions': ['SecurityContext', 'v1.SELinuxOptions'],
  '#.securityContext.seccompProfile': ['SecurityContext', 'v1.SeccompProfile'],
  '#.securityContext.appArmorProfile': ['SecurityContext', 'v1.AppArmorProfile'],
  '#.securityContext.windowsOptions': ['SecurityContext', 'v1.WindowsSecurityContextOptions'],
  '#.livenessProbe': ['@', 'v1.Probe'],
  '#.readinessProbe': ['@', 'v1.Probe'],
  '#.startupProbe': ['@', 'v1.Probe'],
  '#.lifecycle': ['@', 'v1.Lifecycle'],
  '#.lifecycle.postStart': ['Lifecycle', 'v1.LifecycleHandler'],
  '#.lifecycle.preStop': ['Lifecycle', 'v1.LifecycleHandler'],
};

/** Fields by their last segment(s), for the structs reached from several places. */
const TAIL_FIELDS: Readonly<Record<string, readonly [string, string]>> = {
  'seLinuxOptions.user': ['SELinuxOptions', 'string'],
  'seLinuxOptions.role': ['SELinuxOptions', 'string'],
  'seLinuxOptions.type': ['SELinuxOptions', 'string'],
  'seLinuxOptions.level': ['SELinuxOptions', 'string'],
  'seccompProfile.type': ['SeccompProfile', 'v1.SeccompProfileType'],
  'seccompProfile.localhostProfile': ['SeccompProfile', 'string'],
  'appArmorProfile.type': ['AppArmorProfile', 'v1.AppArmorProfileType'],
  'appArmorProfile.localhostProfile': ['AppArmorProfile', 'string'],
  'windowsOptions.hostProcess': ['WindowsSecurityContextOptions', 'bool'],
  'windowsOptions.runAsUserName': ['WindowsSecurityContextOptions', 'string'],
  'httpGet.host': ['HTTPGetAction', 'string'],
  'httpGet.path': ['HTTPGetAction', 'string'],
  'tcpSocket.host': ['TCPSocketAction', 'string'],
};

const PROBE_PARENTS: Readonly<Record<string, string>> = {
  livenessProbe: 'Probe',
  readinessProbe: 'Probe',
  startupProbe: 'Probe',
  postStart: 'LifecycleHandler',
  preStop: 'LifecycleHandler',
};

/** Go's `encoding/json` name for the JSON value that did not fit. */
function goValueName(issue: Issue): string {
  const got = /^expected [a-z]+, got ([a-z]+)$/.exec(issue.message)?.[1];
  if (got !== undefined) return got === 'boolean' ? 'bool' : got;
  const fraction = /^expected integer, got (.+)$/.exec(issue.message)?.[1];
  if (fraction !== undefined) return `number ${fraction}`;
  const range = /^integer (\S+) out of int\d+ range$/.exec(issue.message)?.[1];
  if (range !== undefined) return `number ${range}`;
  return 'value';
}

/** The Go struct/type names for a pod-relative normalized path, or undefined when not tabulated. */
function podFieldNames(path: string): readonly [string, string] | undefined {
  const direct = POD_FIELDS[path];
  if (direct !== undefined) return direct;
  const container = /^spec\.(containers|initContainers|ephemeralContainers)\[\]\.(.+)$/.exec(path);
  if (container !== undefined && container !== null) {
    const struct = container[1] === 'ephemeralContainers' ? 'EphemeralContainer' : 'Container';
    const rest = container[2]!;
    const entry = POD_FIELDS[`#.${rest}`];
    if (entry !== undefined) return [entry[0] === '@' ? struct : entry[0], entry[1]];
    const handler =
      /^(?:\w+\.)?(livenessProbe|readinessProbe|startupProbe|postStart|preStop)\.(httpGet|tcpSocket)$/.exec(rest);
    if (handler !== null) {
      return [PROBE_PARENTS[handler[1]!]!, handler[2] === 'httpGet' ? 'v1.HTTPGetAction' : 'v1.TCPSocketAction'];
    }
  }
  if (/^spec\.volumes\[\]\.\w+$/.test(path)) {
    const source = path.slice('spec.volumes[].'.length);
    return ['Volume', `v1.${volumeSourceType(source)}`];
  }
  const segments = path.split('.');
  const tail = segments.slice(-2).join('.');
  return TAIL_FIELDS[tail];
}

/** Go type names of the volume sources (`hostPath` -> `HostPathVolumeSource`), with upstream's irregular spellings. */
function volumeSourceType(source: string): string {
  const irregular: Readonly<Record<string, string>> = {
    nfs: 'NFSVolumeSource',
    iscsi: 'ISCSIVolumeSource',
    rbd: 'RBDVolumeSource',
    fc: 'FCVolumeSource',
    csi: 'CSIVolumeSource',
    cephfs: 'CephFSVolumeSource',
    downwardAPI: 'DownwardAPIVolumeSource',
    scaleIO: 'ScaleIOVolumeSource',
    storageos: 'StorageOSVolumeSource',
    flexVolume: 'FlexVolumeSource',
    portworxVolume: 'PortworxVolumeSource',
    vsphereVolume: 'VsphereVirtualDiskVolumeSource',
    persistentVolumeClaim: 'PersistentVolumeClaimVolumeSource',
    awsElasticBlockStore: 'AWSElasticBlockStoreVolumeSource',
    gcePersistentDisk: 'GCEPersistentDiskVolumeSource',
    secret: 'SecretVolumeSource',
    image: 'ImageVolumeSource',
  };
  return irregular[source] ?? `${source.charAt(0).toUpperCase()}${source.slice(1)}VolumeSource`;
}

/**
 * Go's error context names embedded structs along the path: a volume source is reached through `VolumeSource`, an
 * ephemeral container's fields through `EphemeralContainerCommon`, a probe's handler through `ProbeHandler`.
 */
function goFieldPath(path: string): string {
  return path
    .replace(/(^|\.)ephemeralContainers\.(?=\w)/, '$1ephemeralContainers.EphemeralContainerCommon.')
    .replace(/(^|\.)volumes\.(?!name(?:\.|$))(?=\w)/, '$1volumes.VolumeSource.')
    .replace(
      /(livenessProbe|readinessProbe|startupProbe)\.(httpGet|tcpSocket|exec|grpc)(?=\.|$)/,
      '$1.ProbeHandler.$2',
    );
}

/** Rewrites a decode issue as upstream's `encoding/json` error text. */
function goDecodeError(issue: Issue, template: TemplateKind | undefined, rootKind: string): string {
  const value = goValueName(issue);
  const normalized = issue.path.replace(/\[\d+\]/g, '[]').replace(/\.(labels|annotations)\[.*\]$/, '.$1.*');
  const prefix = template?.path ?? [];
  const prefixText = prefix.join('.');
  // A defect on the way to the template.
  for (let i = 1; i <= prefix.length; i++) {
    if (normalized === prefix.slice(0, i).join('.')) {
      const [struct, type] = template!.goNames[i - 1]!;
      return `json: cannot unmarshal ${value} into Go struct field ${struct}.${normalized} of type ${type}`;
    }
  }
  const relative = prefixText === '' ? normalized : normalized.slice(prefixText.length + 1);
  const fieldPath = goFieldPath(normalized.replace(/\.\*$/, '').replace(/\[\]/g, ''));
  if (relative === 'metadata' || relative === 'spec') {
    const holder = prefixText === '' ? rootKind : 'PodTemplateSpec';
    return `json: cannot unmarshal ${value} into Go struct field ${holder}.${fieldPath} of type ${relative === 'metadata' ? 'v1.ObjectMeta' : 'v1.PodSpec'}`;
  }
  const names = podFieldNames(relative);
  if (names === undefined) return `json: cannot unmarshal ${value} into Go value at ${fieldPath}`;
  return `json: cannot unmarshal ${value} into Go struct field ${names[0]}.${fieldPath} of type ${names[1]}`;
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Splits an apiVersion like Go's `schema.ParseGroupVersion`; undefined when malformed. */
function parseGroupVersion(apiVersion: string): { readonly group: string; readonly version: string } | undefined {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: apiVersion };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  return undefined;
}

/**
 * Decodes a request object with `defaultKind` filling a missing apiVersion/kind, then reduces it to what admission
 * reads. Errors carry upstream's text.
 */
export function decodeAdmissionObject(raw: RawJson | undefined, defaultKind: GroupVersionKind): ObjectDecodeResult {
  if (raw === undefined) return { ok: true, object: undefined };
  const value = raw.value;
  if (!isObject(value)) {
    return {
      ok: false,
      error: `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonTypeName(value)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`,
    };
  }
  const apiVersionRaw = value['apiVersion'];
  const kindRaw = value['kind'];
  if (
    (apiVersionRaw !== undefined && apiVersionRaw !== null && typeof apiVersionRaw !== 'string') ||
    (kindRaw !== undefined && kindRaw !== null && typeof kindRaw !== 'string')
  ) {
    const field = typeof apiVersionRaw === 'string' || apiVersionRaw == null ? 'kind' : 'apiVersion';
    return {
      ok: false,
      error: `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonTypeName(value[field])} into Go struct field .${field} of type string`,
    };
  }
  const gv = parseGroupVersion(typeof apiVersionRaw === 'string' ? apiVersionRaw : '');
  if (gv === undefined)
    return {
      ok: false,
      error: `unexpected GroupVersion string: ${String(apiVersionRaw)}`,
    };
  let group = gv.group;
  let version = gv.version;
  let kind = typeof kindRaw === 'string' ? kindRaw : '';
  if (kind === '') kind = defaultKind.kind;
  if (group === '' && version === '') {
    group = defaultKind.group;
    version = defaultKind.version;
  }
  const gvk: GroupVersionKind = { group, version, kind };
  if (kind === '') return { ok: false, error: `Object 'Kind' is missing in '${raw.text}'` };
  if (version === '') return { ok: false, error: `Object 'apiVersion' is missing in '${raw.text}'` };
  const gvText = group === '' ? version : `${group}/${version}`;
  if (!isWebhookSchemeKind(gvk)) {
    return {
      ok: false,
      error: `no kind ${goQuote(kind)} is registered for version ${goQuote(gvText)} in scheme ${goQuote(SCHEME_NAME)}`,
    };
  }
  return decodeKnown(value, gvk, `${gvText}/${kind}`);
}

function jsonTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  if (value === null) return 'null';
  return typeof value;
}

function decodeKnown(value: Readonly<Record<string, unknown>>, gvk: GroupVersionKind, key: string): ObjectDecodeResult {
  // Upstream decodes into the full Go type first: any wrongly typed field fails, with encoding/json's text.
  const root = goRootType(gvk.group, gvk.version, gvk.kind);
  if (root !== undefined) {
    const error = goSchemaDecodeError(value, root);
    if (error !== undefined) return { ok: false, error };
  }
  if (key === 'v1/Pod') {
    const decoded = decodePod(value);
    const first = decoded.issues[0];
    if (first !== undefined) return { ok: false, error: goDecodeError(first, undefined, 'Pod') };
    const object: AdmissionObject = { type: 'Pod', gvk, metadata: decoded.value.metadata, spec: decoded.value.spec };
    return { ok: true, object };
  }
  if (key === 'v1/Namespace') {
    const decoded = decodeObjectMeta(value['metadata']);
    const first = decoded.issues[0];
    if (first !== undefined) return { ok: false, error: goDecodeError(first, undefined, 'Namespace') };
    return { ok: true, object: { type: 'Namespace', gvk, metadata: decoded.value } };
  }
  const template = TEMPLATE_KINDS.get(key);
  if (template === undefined) return { ok: true, object: { type: 'Other', gvk } };
  // Walk to the template, checking each step is an object (or null/absent).
  let current: unknown = value;
  for (let i = 0; i < template.path.length; i++) {
    const parent = current;
    if (!isObject(parent)) {
      current = undefined;
      break;
    }
    const next = parent[template.path[i]!];
    if (next !== undefined && next !== null && !isObject(next)) {
      const [struct, type] = template.goNames[i]!;
      const at = template.path.slice(0, i + 1).join('.');
      return {
        ok: false,
        error: `json: cannot unmarshal ${jsonTypeName(next)} into Go struct field ${struct}.${at} of type ${type}`,
      };
    }
    current = next;
  }
  const path = template.path.join('.');
  const decoded = decodePod(current ?? {}, { path });
  const first = decoded.issues[0];
  if (first !== undefined) return { ok: false, error: goDecodeError(first, template, gvk.kind) };
  // Only a ReplicationController's template is a pointer: absent or null means "no template".
  const nullable = key === 'v1/ReplicationController';
  if (nullable && (current === undefined || current === null))
    return { ok: true, object: { type: 'Template', gvk, template: null } };
  return { ok: true, object: { type: 'Template', gvk, template: decoded.value } };
}
