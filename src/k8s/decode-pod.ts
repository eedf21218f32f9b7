/**
 * Decodes untrusted objects (parsed JSON or YAML) into the readonly Pod shape of `pod.ts`.
 *
 * Only the fields Pod Security and admission read are decoded (see spec §2): object identity and labels for admission,
 * and every field a check reads. Unknown fields are ignored. A wrongly typed field is reported as an {@link Issue}
 * with its path (`spec.containers[0].securityContext.privileged: expected boolean, got string`) and left out of the
 * result; the decoders never throw. JSON `null` means unset. Inside lists, a `null` element becomes the zero value
 * (an empty object or `""`), as the API server's decoder stores it.
 */
import { type Issue, IssueCodes } from '../api/issue.ts';
import {
  IssueSink,
  type Mutable,
  type RawObject,
  arrayField,
  asObject,
  booleanField,
  indexPath,
  integerField,
  isRawObject,
  joinPath,
  objectField,
  stringField,
  stringListField,
  stringMapField,
} from './decode-primitives.ts';
import { canonicalValue } from './canonical-values.ts';
import type {
  Capabilities,
  Container,
  ContainerPort,
  HostHandler,
  Lifecycle,
  ObjectMeta,
  OwnerReference,
  PodSecurityContext,
  PodShape,
  PodSpec,
  ProfileRef,
  SELinuxOptions,
  SecurityContext,
  Sysctl,
  Volume,
  WindowsOptions,
} from './pod.ts';

/** A decoded value and every problem found while decoding it. Reported fields are absent from `value`. */
export interface Decoded<T> {
  readonly value: T;
  readonly issues: readonly Issue[];
}

/** Options shared by the decoders. */
export interface DecodeOptions {
  /**
   * Path of the decoded value from the object root, prefixed to every issue path: `""` for a Pod, `spec.template`
   * for a Deployment's template. Default `""`.
   */
  readonly path?: string;
}

/**
 * Every `VolumeSource` field of core/v1. Only presence matters to Pod Security; a set source is kept as an empty
 * object (its content is never read), so a volume decodes to its name plus the keys of the sources that are set.
 */
export const VOLUME_SOURCE_KEYS: readonly string[] = Object.freeze([
  'awsElasticBlockStore',
  'azureDisk',
  'azureFile',
  'cephfs',
  'cinder',
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'fc',
  'flexVolume',
  'flocker',
  'gcePersistentDisk',
  'gitRepo',
  'glusterfs',
  'hostPath',
  'image',
  'iscsi',
  'nfs',
  'persistentVolumeClaim',
  'photonPersistentDisk',
  'portworxVolume',
  'projected',
  'quobyte',
  'rbd',
  'scaleIO',
  'secret',
  'storageos',
  'vsphereVolume',
]);

/** The value a set volume source decodes to. */
const SET_SOURCE: object = Object.freeze({});

/**
 * Decodes a Pod, or a pod template (`{metadata, spec}`), into the shape the checks read. For a template pass its
 * path, e.g. `{ path: 'spec.template' }`, so issues read `spec.template.spec.containers[0]...`.
 */
export function decodePod(raw: unknown, options: DecodeOptions = {}): Decoded<PodShape> {
  const sink = new IssueSink();
  const value = guarded(sink, () => readPodShape(raw, options.path ?? '', sink), EMPTY_POD);
  return { value, issues: sink.finish() };
}

/** Decodes an `ObjectMeta`; `options.path` is the metadata's own path (default `metadata`). */
export function decodeObjectMeta(raw: unknown, options: DecodeOptions = {}): Decoded<ObjectMeta> {
  const sink = new IssueSink();
  const value = guarded(sink, () => readObjectMeta(raw, options.path ?? 'metadata', sink), EMPTY_META);
  return { value, issues: sink.finish() };
}

/** Decodes a `PodSpec`; `options.path` is the spec's own path (default `spec`). */
export function decodePodSpec(raw: unknown, options: DecodeOptions = {}): Decoded<PodSpec> {
  const sink = new IssueSink();
  const value = guarded(sink, () => readPodSpec(raw, options.path ?? 'spec', sink), EMPTY_SPEC);
  return { value, issues: sink.finish() };
}

const EMPTY_META: ObjectMeta = Object.freeze({});
const EMPTY_SPEC: PodSpec = Object.freeze({});
const EMPTY_POD: PodShape = Object.freeze({ metadata: EMPTY_META, spec: EMPTY_SPEC });

/**
 * Runs a decode step; should anything unforeseen throw (it must not on JSON data), the failure becomes an issue so
 * the caller still gets a value it can reject on.
 * @internal
 */
export function guarded<T>(sink: IssueSink, step: () => T, fallback: T): T {
  try {
    return step();
  } catch (error) {
    sink.add(
      '',
      IssueCodes.invalidValue,
      `could not decode object: ${error instanceof Error ? error.message : 'unknown error'}`,
    );
    return fallback;
  }
}

/**
 * Reads `{metadata, spec}` at `path` (the object's own path) into `sink`. A non-object is reported and yields an empty
 * pod. @internal (shared with `workloads.ts`)
 */
export function readPodShape(raw: unknown, path: string, sink: IssueSink): PodShape {
  if (raw === undefined || raw === null) return EMPTY_POD;
  if (!isRawObject(raw)) {
    sink.wrongType(path, 'object', raw);
    return EMPTY_POD;
  }
  return {
    metadata: readObjectMeta(raw['metadata'], joinPath(path, 'metadata'), sink),
    spec: readPodSpec(raw['spec'], joinPath(path, 'spec'), sink),
  };
}

/** Reads an `ObjectMeta` at `path` (its own path). @internal */
export function readObjectMeta(raw: unknown, path: string, sink: IssueSink): ObjectMeta {
  const o = asObject(raw, path, sink);
  if (o === undefined) return EMPTY_META;
  const out: Mutable<ObjectMeta> = {};
  const name = stringField(o, 'name', path, sink);
  if (name !== undefined) out.name = name;
  const generateName = stringField(o, 'generateName', path, sink);
  if (generateName !== undefined) out.generateName = generateName;
  const namespace = stringField(o, 'namespace', path, sink);
  if (namespace !== undefined) out.namespace = namespace;
  const uid = stringField(o, 'uid', path, sink);
  if (uid !== undefined) out.uid = uid;
  const labels = stringMapField(o, 'labels', path, sink);
  if (labels !== undefined) out.labels = labels;
  const annotations = stringMapField(o, 'annotations', path, sink);
  if (annotations !== undefined) out.annotations = annotations;
  const owners = arrayField(o, 'ownerReferences', path, sink);
  if (owners !== undefined) out.ownerReferences = readList(owners, joinPath(path, 'ownerReferences'), sink, readOwner);
  return out;
}

function readOwner(o: RawObject, path: string, sink: IssueSink): OwnerReference {
  const out: Mutable<OwnerReference> = {};
  const apiVersion = stringField(o, 'apiVersion', path, sink);
  if (apiVersion !== undefined) out.apiVersion = apiVersion;
  const kind = stringField(o, 'kind', path, sink);
  if (kind !== undefined) out.kind = kind;
  const name = stringField(o, 'name', path, sink);
  if (name !== undefined) out.name = name;
  const uid = stringField(o, 'uid', path, sink);
  if (uid !== undefined) out.uid = uid;
  const controller = booleanField(o, 'controller', path, sink);
  if (controller !== undefined) out.controller = controller;
  return out;
}

/**
 * Decodes each element of a list of objects with `read`. A `null` element decodes as an empty object (Go's zero
 * value); a non-object element is reported and left out.
 */
function readList<T>(
  list: readonly unknown[],
  path: string,
  sink: IssueSink,
  read: (o: RawObject, path: string, sink: IssueSink) => T,
): readonly T[] {
  const out: T[] = [];
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (isRawObject(item)) out.push(read(item, indexPath(path, i), sink));
    else if (item === null || item === undefined) out.push(read(EMPTY_RAW, indexPath(path, i), sink));
    else sink.wrongType(indexPath(path, i), 'object', item);
  }
  return out;
}

const EMPTY_RAW: RawObject = Object.freeze({});

/** Reads a `PodSpec` at `path` (its own path). @internal */
export function readPodSpec(raw: unknown, path: string, sink: IssueSink): PodSpec {
  const o = asObject(raw, path, sink);
  if (o === undefined) return EMPTY_SPEC;
  const hostNetwork = booleanField(o, 'hostNetwork', path, sink);
  const hostPID = booleanField(o, 'hostPID', path, sink);
  const hostIPC = booleanField(o, 'hostIPC', path, sink);
  const hostUsers = booleanField(o, 'hostUsers', path, sink);
  const os = objectField(o, 'os', path, sink);
  const runtimeClassName = stringField(o, 'runtimeClassName', path, sink);
  const sc = objectField(o, 'securityContext', path, sink);
  const volumes = arrayField(o, 'volumes', path, sink);
  const init = arrayField(o, 'initContainers', path, sink);
  const containers = arrayField(o, 'containers', path, sink);
  const ephemeral = arrayField(o, 'ephemeralContainers', path, sink);
  // One shape for every decoded spec (see readContainer).
  return {
    hostNetwork,
    hostPID,
    hostIPC,
    hostUsers,
    os: os === undefined ? undefined : { name: stringField(os, 'name', joinPath(path, 'os'), sink) },
    runtimeClassName,
    securityContext: sc === undefined ? undefined : readPodSecurityContext(sc, joinPath(path, 'securityContext'), sink),
    volumes: volumes === undefined ? undefined : readList(volumes, joinPath(path, 'volumes'), sink, readVolume),
    initContainers:
      init === undefined ? undefined : readList(init, joinPath(path, 'initContainers'), sink, readContainer),
    containers:
      containers === undefined ? undefined : readList(containers, joinPath(path, 'containers'), sink, readContainer),
    ephemeralContainers:
      ephemeral === undefined
        ? undefined
        : readList(ephemeral, joinPath(path, 'ephemeralContainers'), sink, readContainer),
  };
}

function readVolume(o: RawObject, path: string, sink: IssueSink): Volume {
  const source = (key: string): object | undefined =>
    objectField(o, key, path, sink) === undefined ? undefined : SET_SOURCE;
  // One object literal with every source key (undefined when unset), in VOLUME_SOURCE_KEYS order (a test keeps them in
  // step): every volume gets the same fast shape. Adding the keys one by one in a loop would leave each volume a
  // slow dictionary-mode object.
  return {
    name: stringField(o, 'name', path, sink),
    awsElasticBlockStore: source('awsElasticBlockStore'),
    azureDisk: source('azureDisk'),
    azureFile: source('azureFile'),
    cephfs: source('cephfs'),
    cinder: source('cinder'),
    configMap: source('configMap'),
    csi: source('csi'),
    downwardAPI: source('downwardAPI'),
    emptyDir: source('emptyDir'),
    ephemeral: source('ephemeral'),
    fc: source('fc'),
    flexVolume: source('flexVolume'),
    flocker: source('flocker'),
    gcePersistentDisk: source('gcePersistentDisk'),
    gitRepo: source('gitRepo'),
    glusterfs: source('glusterfs'),
    hostPath: source('hostPath'),
    image: source('image'),
    iscsi: source('iscsi'),
    nfs: source('nfs'),
    persistentVolumeClaim: source('persistentVolumeClaim'),
    photonPersistentDisk: source('photonPersistentDisk'),
    portworxVolume: source('portworxVolume'),
    projected: source('projected'),
    quobyte: source('quobyte'),
    rbd: source('rbd'),
    scaleIO: source('scaleIO'),
    secret: source('secret'),
    storageos: source('storageos'),
    vsphereVolume: source('vsphereVolume'),
  };
}

function readPodSecurityContext(o: RawObject, path: string, sink: IssueSink): PodSecurityContext {
  const runAsNonRoot = booleanField(o, 'runAsNonRoot', path, sink);
  const runAsUser = integerField(o, 'runAsUser', path, sink, 64);
  const seLinux = objectField(o, 'seLinuxOptions', path, sink);
  const seccomp = objectField(o, 'seccompProfile', path, sink);
  const appArmor = objectField(o, 'appArmorProfile', path, sink);
  const sysctls = arrayField(o, 'sysctls', path, sink);
  const windows = objectField(o, 'windowsOptions', path, sink);
  return {
    runAsNonRoot,
    runAsUser,
    seLinuxOptions: seLinux === undefined ? undefined : readSELinux(seLinux, joinPath(path, 'seLinuxOptions'), sink),
    seccompProfile: seccomp === undefined ? undefined : readProfile(seccomp, joinPath(path, 'seccompProfile'), sink),
    appArmorProfile:
      appArmor === undefined ? undefined : readProfile(appArmor, joinPath(path, 'appArmorProfile'), sink),
    sysctls: sysctls === undefined ? undefined : readList(sysctls, joinPath(path, 'sysctls'), sink, readSysctl),
    windowsOptions: windows === undefined ? undefined : readWindows(windows, joinPath(path, 'windowsOptions'), sink),
  };
}

function readSELinux(o: RawObject, path: string, sink: IssueSink): SELinuxOptions {
  const user = stringField(o, 'user', path, sink);
  const role = stringField(o, 'role', path, sink);
  const type = stringField(o, 'type', path, sink);
  return { user, role, type };
}

function readProfile(o: RawObject, path: string, sink: IssueSink): ProfileRef {
  return { type: canonicalField(o, 'type', path, sink) };
}

function readSysctl(o: RawObject, path: string, sink: IssueSink): Sysctl {
  return { name: stringField(o, 'name', path, sink) };
}

function readWindows(o: RawObject, path: string, sink: IssueSink): WindowsOptions {
  return { hostProcess: booleanField(o, 'hostProcess', path, sink) };
}

function readContainer(o: RawObject, path: string, sink: IssueSink): Container {
  const name = stringField(o, 'name', path, sink);
  const image = stringField(o, 'image', path, sink);
  const ports = arrayField(o, 'ports', path, sink);
  const sc = objectField(o, 'securityContext', path, sink);
  const liveness = objectField(o, 'livenessProbe', path, sink);
  const readiness = objectField(o, 'readinessProbe', path, sink);
  const startup = objectField(o, 'startupProbe', path, sink);
  const lifecycle = objectField(o, 'lifecycle', path, sink);
  // Every field present (undefined when unset), in one order: one object shape for every container (see FIXED_SHAPE).
  return {
    name,
    image,
    ports: ports === undefined ? undefined : readList(ports, joinPath(path, 'ports'), sink, readPort),
    securityContext: sc === undefined ? undefined : readSecurityContext(sc, joinPath(path, 'securityContext'), sink),
    livenessProbe: liveness === undefined ? undefined : readHandler(liveness, joinPath(path, 'livenessProbe'), sink),
    readinessProbe:
      readiness === undefined ? undefined : readHandler(readiness, joinPath(path, 'readinessProbe'), sink),
    startupProbe: startup === undefined ? undefined : readHandler(startup, joinPath(path, 'startupProbe'), sink),
    lifecycle: lifecycle === undefined ? undefined : readLifecycle(lifecycle, joinPath(path, 'lifecycle'), sink),
  };
}

function readPort(o: RawObject, path: string, sink: IssueSink): ContainerPort {
  const containerPort = integerField(o, 'containerPort', path, sink, 32);
  const hostPort = integerField(o, 'hostPort', path, sink, 32);
  return { containerPort, hostPort };
}

function readSecurityContext(o: RawObject, path: string, sink: IssueSink): SecurityContext {
  const privileged = booleanField(o, 'privileged', path, sink);
  const allowPrivilegeEscalation = booleanField(o, 'allowPrivilegeEscalation', path, sink);
  const caps = objectField(o, 'capabilities', path, sink);
  const capabilities = caps === undefined ? undefined : readCapabilities(caps, joinPath(path, 'capabilities'), sink);
  const procMount = canonicalField(o, 'procMount', path, sink);
  const runAsNonRoot = booleanField(o, 'runAsNonRoot', path, sink);
  const runAsUser = integerField(o, 'runAsUser', path, sink, 64);
  const seLinux = objectField(o, 'seLinuxOptions', path, sink);
  const seccomp = objectField(o, 'seccompProfile', path, sink);
  const appArmor = objectField(o, 'appArmorProfile', path, sink);
  const windows = objectField(o, 'windowsOptions', path, sink);
  return {
    privileged,
    allowPrivilegeEscalation,
    capabilities,
    procMount,
    runAsNonRoot,
    runAsUser,
    seLinuxOptions: seLinux === undefined ? undefined : readSELinux(seLinux, joinPath(path, 'seLinuxOptions'), sink),
    seccompProfile: seccomp === undefined ? undefined : readProfile(seccomp, joinPath(path, 'seccompProfile'), sink),
    appArmorProfile:
      appArmor === undefined ? undefined : readProfile(appArmor, joinPath(path, 'appArmorProfile'), sink),
    windowsOptions: windows === undefined ? undefined : readWindows(windows, joinPath(path, 'windowsOptions'), sink),
  };
}

function readCapabilities(o: RawObject, path: string, sink: IssueSink): Capabilities {
  const add = canonicalList(stringListField(o, 'add', path, sink));
  const drop = canonicalList(stringListField(o, 'drop', path, sink));
  return { add, drop };
}

// Enumerated values the engine compares, as their canonical copies (see canonical-values.ts).
function canonicalField(o: RawObject, key: string, path: string, sink: IssueSink): string | undefined {
  const value = stringField(o, key, path, sink);
  return value === undefined ? undefined : canonicalValue(value);
}

function canonicalList(list: readonly string[] | undefined): readonly string[] | undefined {
  return list?.map(canonicalValue);
}

function readLifecycle(o: RawObject, path: string, sink: IssueSink): Lifecycle {
  const postStart = objectField(o, 'postStart', path, sink);
  const preStop = objectField(o, 'preStop', path, sink);
  return {
    postStart: postStart === undefined ? undefined : readHandler(postStart, joinPath(path, 'postStart'), sink),
    preStop: preStop === undefined ? undefined : readHandler(preStop, joinPath(path, 'preStop'), sink),
  };
}

/**
 * Probes and lifecycle handlers: only `httpGet.host` and `tcpSocket.host` are read. A handler that sets neither host
 * (nearly all of them) decodes to one shared frozen handler: a container then costs the engine's host scan one load
 * per handler instead of a walk through two fresh objects each, and the decoder allocates nothing for it.
 */
function readHandler(o: RawObject, path: string, sink: IssueSink): HostHandler {
  const httpGet = objectField(o, 'httpGet', path, sink);
  const tcpSocket = objectField(o, 'tcpSocket', path, sink);
  const httpHost = httpGet === undefined ? undefined : stringField(httpGet, 'host', joinPath(path, 'httpGet'), sink);
  const tcpHost =
    tcpSocket === undefined ? undefined : stringField(tcpSocket, 'host', joinPath(path, 'tcpSocket'), sink);
  if (httpHost === undefined && tcpHost === undefined) return NO_HOST_HANDLER;
  return {
    httpGet: httpGet === undefined ? undefined : { host: httpHost },
    tcpSocket: tcpSocket === undefined ? undefined : { host: tcpHost },
  };
}

const NO_HOST_HANDLER: HostHandler = Object.freeze({ httpGet: undefined, tcpSocket: undefined });
