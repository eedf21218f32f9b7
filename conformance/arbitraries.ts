/**
 * fast-check arbitraries for RAW pod JSON (what a client sends, before decoding), reaching every field a Pod Security
 * check reads (spec §2), with the awkward values the checks and the decoders must agree on: absent keys, JSON nulls,
 * empty strings, odd Unicode, duplicate container names, annotations for containers that do not exist.
 *
 * Every value decodes as a `v1.Pod` in Go (types match the Go structs), so the differential compares verdicts, not
 * decoder strictness. Each pod is built in one of three moods so that all outcomes stay common: `restricted` pods start
 * compliant and deviate rarely, `baseline` pods keep the baseline controls but play with the restricted ones, `wild`
 * pods pick anything.
 */
import fc from 'fast-check';

/** A raw JSON value as sent over the wire. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
export type JsonObject = { readonly [key: string]: Json };

/** One differential case: a raw pod and the LevelVersion to evaluate it at. */
export interface PodCase {
  readonly level: string;
  readonly version: string;
  readonly pod: JsonObject;
}

export type Mood = 'restricted' | 'baseline' | 'wild';

const ABSENT: unique symbol = Symbol('absent');
type Absent = typeof ABSENT;
type Field = Json | Absent;

/** An object whose fields may be absent (key omitted). The ABSENT alternative comes first so shrinking drops keys. */
function obj(fields: Record<string, fc.Arbitrary<Field>>): fc.Arbitrary<JsonObject> {
  return fc.record(fields).map((record) => {
    const out: Record<string, Json> = {};
    for (const [key, value] of Object.entries(record)) if (value !== ABSENT) out[key] = value;
    return out;
  });
}

const absent = fc.constant<Absent>(ABSENT);
const jsonNull = fc.constant(null);

/** Absent, null or a value, with weights [absent, null, value]. */
function maybe(arb: fc.Arbitrary<Json>, weights: readonly [number, number, number] = [3, 1, 6]): fc.Arbitrary<Field> {
  return fc.oneof(
    { arbitrary: absent, weight: weights[0] },
    { arbitrary: jsonNull, weight: weights[1] },
    { arbitrary: arb, weight: weights[2] },
  );
}

/**
 * Picks by mood: `good` passes the control, `bad` violates it. `baselineControl` says whether the control belongs to
 * the baseline profile (baseline-mood pods keep those and play with the restricted ones).
 */
function byMood<A, B>(
  mood: Mood,
  good: fc.Arbitrary<A>,
  bad: fc.Arbitrary<B>,
  baselineControl: boolean,
): fc.Arbitrary<A | B> {
  const [keep, deviate] = moodWeights(mood, baselineControl);
  return fc.oneof({ arbitrary: good, weight: keep }, { arbitrary: bad, weight: deviate });
}

/** [keep, deviate] weights: a restricted pod reads ~40 controls, so each deviates rarely. */
function moodWeights(mood: Mood, baselineControl: boolean): readonly [number, number] {
  if (mood === 'restricted') return [160, 1];
  if (mood === 'baseline') return baselineControl ? [120, 1] : [2, 1];
  return [5, 1];
}

/** Weight of a rare structural deviation (absent or null security context and the like) per mood. */
function rare(mood: Mood): number {
  return mood === 'wild' ? 4 : 1;
}

// ---------------------------------------------------------------------------------------------------------------
// Strings

/** Strings that trip quoting, sorting and UTF-16 handling: Go %q escapes, code-point order vs UTF-16 order, lone
 * surrogates (Go turns them into U+FFFD), quotes and backslashes (Q() never escapes). */
export const oddStrings: readonly string[] = [
  '',
  ' ',
  'ü',
  'e\u0301',
  '日本',
  '😀',
  '\uff5e',
  '\u{10ffff}',
  '\u{1f600}x',
  'a"b',
  'a\\b',
  'tab\there',
  'nl\nx',
  '\u00ad',
  '\u00a0',
  '\u2028',
  '\u007f',
  '\u0000',
  '\u0378',
  '\ue000',
  '\ufffd',
  '\ud800',
  'x\udc00y',
];
const oddString = fc.constantFrom(...oddStrings);

function strings(common: readonly string[], oddWeight = 1): fc.Arbitrary<string> {
  return fc.oneof({ arbitrary: fc.constantFrom(...common), weight: 12 }, { arbitrary: oddString, weight: oddWeight });
}

/** A small pool so that duplicates and annotation/container name matches are frequent. */
const containerNames = ['a', 'b', 'c', 'app', 'init', 'debug', 'sidecar'];
const containerName = strings(containerNames);

// ---------------------------------------------------------------------------------------------------------------
// Security-context pieces

const okCaps = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE'];
const okCaps2 = ['SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];
const badCaps = [
  'NET_RAW',
  'SYS_ADMIN',
  'NET_ADMIN',
  'SYS_TIME',
  'ALL',
  'all',
  'chown',
  'CAP_CHOWN',
  'CAP_SYS_ADMIN',
  'net_bind_service',
  'BPF',
];

function capabilities(mood: Mood): fc.Arbitrary<Json> {
  const addGood =
    mood === 'restricted'
      ? fc.array(fc.constant('NET_BIND_SERVICE'), { maxLength: 1 })
      : fc.array(fc.constantFrom(...okCaps, ...okCaps2), { maxLength: 3 });
  const addBad = fc.array(
    fc.oneof(
      { arbitrary: fc.constantFrom(...okCaps, ...okCaps2), weight: 2 },
      { arbitrary: fc.constantFrom(...badCaps), weight: 4 },
      { arbitrary: oddString, weight: 1 },
    ),
    { minLength: 1, maxLength: 4 },
  );
  const dropGood = fc.constantFrom(['ALL'], ['ALL', 'NET_RAW'], ['NET_RAW', 'ALL']);
  const dropBad = fc.oneof(
    fc.constantFrom([], ['all'], ['NET_RAW'], ['CAP_ALL'], ['ALL '], ['']),
    fc.array(fc.constantFrom('ALL', 'all', 'NET_RAW', 'SYS_ADMIN'), { maxLength: 3 }),
  );
  return obj({
    add: fc.oneof(
      { arbitrary: absent, weight: 2 },
      { arbitrary: jsonNull, weight: 1 },
      {
        arbitrary: byMood(mood, addGood, addBad, true),
        weight: 5,
      },
    ),
    drop: byMood(mood, dropGood, fc.oneof(absent, jsonNull, dropBad), false),
  });
}

const profileTypesGood = ['RuntimeDefault', 'Localhost'];
const profileTypesBad = ['Unconfined', '', 'runtimedefault', 'RUNTIMEDEFAULT', 'localhost', 'Localhost '];

/** A seccomp or AppArmor profile object. Its type is a baseline control (a missing type reads as `""`, which is bad). */
function profile(mood: Mood): fc.Arbitrary<Json> {
  const bad = fc.oneof(
    { arbitrary: fc.constantFrom(...profileTypesBad), weight: 6 },
    { arbitrary: oddString, weight: 2 },
    { arbitrary: absent, weight: 1 },
    { arbitrary: jsonNull, weight: 1 },
  );
  return obj({
    type: byMood(mood, fc.constantFrom(...profileTypesGood), bad, true),
    localhostProfile: maybe(fc.constantFrom('profile.json', ''), [6, 1, 2]),
  });
}

const seLinuxTypesGood = ['', 'container_t', 'container_init_t', 'container_kvm_t'];
const seLinuxTypesBad = ['container_engine_t', 'spc_t', 'unconfined_t', 'container_T', 'container_t '];

function seLinuxOptions(mood: Mood): fc.Arbitrary<Json> {
  const type = byMood(
    mood,
    fc.constantFrom(...seLinuxTypesGood),
    fc.oneof(fc.constantFrom(...seLinuxTypesBad), oddString),
    true,
  );
  const userOrRole = byMood(mood, fc.constant(''), strings(['system_u', 'user_u', 'object_r', 'system_r']), true);
  return obj({
    type: maybe(type, [2, 1, 6]),
    user: maybe(userOrRole, [6, 1, 2]),
    role: maybe(userOrRole, [6, 1, 2]),
    level: maybe(fc.constantFrom('s0:c123,c456', '', 's0'), [6, 1, 2]),
  });
}

function windowsOptions(mood: Mood): fc.Arbitrary<Json> {
  return obj({
    hostProcess: byMood(mood, fc.oneof(absent, jsonNull, fc.constant(false)), fc.constant(true), true),
    runAsUserName: maybe(fc.constantFrom('ContainerUser', 'NT AUTHORITY\\SYSTEM'), [6, 1, 2]),
    gmsaCredentialSpecName: maybe(fc.constant('gmsa'), [8, 1, 1]),
  });
}

const runAsUserValue = fc.constantFrom(0, 1, 1000, 65534, -1, 2147483647);

/** What the pod-level security context already satisfies for every container at restricted. */
interface PodCover {
  readonly nonRoot: boolean;
  readonly seccomp: boolean;
}

function containerSecurityContext(mood: Mood, cover: PodCover): fc.Arbitrary<Json> {
  const restrictedGoodNonRoot = cover.nonRoot ? fc.oneof(absent, jsonNull, fc.constant(true)) : fc.constant(true);
  return obj({
    privileged: byMood(mood, fc.oneof(absent, jsonNull, fc.constant(false)), fc.constant(true), true),
    allowPrivilegeEscalation: byMood(mood, fc.constant(false), fc.oneof(absent, jsonNull, fc.constant(true)), false),
    capabilities: byMood(
      mood,
      capabilities(mood),
      fc.oneof(absent, jsonNull, fc.constant({}), capabilities('wild')),
      false,
    ),
    procMount: byMood(
      mood,
      fc.oneof(absent, jsonNull, fc.constant('Default')),
      fc.oneof(fc.constantFrom('Unmasked', '', 'default', 'other'), oddString),
      true,
    ),
    runAsNonRoot: byMood(mood, restrictedGoodNonRoot, fc.oneof(absent, jsonNull, fc.constant(false)), false),
    runAsUser: byMood(
      mood,
      fc.oneof(absent, jsonNull, fc.constantFrom(1000, 1, 65534)),
      fc.oneof(fc.constant(0), runAsUserValue),
      false,
    ),
    runAsGroup: maybe(fc.constantFrom(0, 1000), [6, 1, 2]),
    readOnlyRootFilesystem: maybe(fc.boolean(), [6, 1, 2]),
    seLinuxOptions: maybe(seLinuxOptions(mood), [6, 1, 3]),
    // When the pod level sets seccomp, containers may still set their own; otherwise they must, at restricted.
    seccompProfile: cover.seccomp
      ? fc.oneof(
          { arbitrary: absent, weight: 4 },
          { arbitrary: jsonNull, weight: 1 },
          { arbitrary: profile(mood), weight: 4 },
        )
      : byMood(mood, profile(mood), fc.oneof(absent, jsonNull), false),
    appArmorProfile: maybe(profile(mood), [8, 1, 2]),
    windowsOptions: maybe(windowsOptions(mood), [8, 1, 2]),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Containers

const hosts = ['localhost', '127.0.0.1', '::1', '10.0.0.1', 'a.com', 'b.com', 'example.internal'];

function handler(mood: Mood): fc.Arbitrary<Json> {
  const host = byMood(
    mood,
    fc.oneof(absent, jsonNull, fc.constant('')),
    fc.oneof(fc.constantFrom(...hosts), oddString),
    true,
  );
  return fc.oneof(
    obj({ httpGet: obj({ host, port: fc.constantFrom(80, 'http'), path: maybe(fc.constant('/healthz')) }) }),
    obj({ tcpSocket: obj({ host, port: fc.constantFrom(8080, 'tcp') }) }),
    fc.constant({ exec: { command: ['true'] } }),
    fc.constant({ grpc: { port: 9000 } }),
    fc.constant({}),
    // Both handler kinds at once: decodes fine, and the check reads both hosts.
    obj({ httpGet: obj({ host, port: fc.constant(80) }), tcpSocket: obj({ host, port: fc.constant(81) }) }),
  );
}

function probe(mood: Mood): fc.Arbitrary<Field> {
  return fc.oneof(
    { arbitrary: absent, weight: 6 },
    { arbitrary: jsonNull, weight: 1 },
    { arbitrary: handler(mood), weight: 3 },
  );
}

function ports(mood: Mood): fc.Arbitrary<Json> {
  const hostPort = byMood(
    mood,
    fc.oneof(absent, jsonNull, fc.constant(0)),
    fc.constantFrom(80, 8080, 10443, 20, -1, 65535, 1),
    true,
  );
  return fc.array(
    obj({
      containerPort: fc.constantFrom(80, 8080, 443, 9000),
      hostPort,
      protocol: maybe(fc.constantFrom('TCP', 'UDP'), [6, 1, 2]),
      name: maybe(fc.constantFrom('http', 'metrics'), [6, 1, 2]),
    }),
    { maxLength: 3 },
  );
}

function container(mood: Mood, cover: PodCover): fc.Arbitrary<Json> {
  return obj({
    name: fc.oneof(
      { arbitrary: containerName, weight: 20 },
      { arbitrary: absent, weight: 1 },
      { arbitrary: jsonNull, weight: 1 },
    ),
    image: maybe(fc.constantFrom('nginx', 'busybox:1.36'), [1, 0, 9]),
    ports: maybe(ports(mood), [4, 1, 5]),
    securityContext: fc.oneof(
      { arbitrary: containerSecurityContext(mood, cover), weight: 60 },
      { arbitrary: absent, weight: rare(mood) },
      { arbitrary: jsonNull, weight: rare(mood) },
      { arbitrary: fc.constant({}), weight: rare(mood) },
    ),
    livenessProbe: probe(mood),
    readinessProbe: probe(mood),
    startupProbe: probe(mood),
    lifecycle: fc.oneof(
      { arbitrary: absent, weight: 6 },
      { arbitrary: jsonNull, weight: 1 },
      { arbitrary: obj({ postStart: probe(mood), preStop: probe(mood) }), weight: 3 },
    ),
  });
}

/** A container list: absent, null, empty, or a few containers; rarely a null element (Go decodes it as a container with
 * no fields). */
function containerList(
  mood: Mood,
  cover: PodCover,
  maxLength: number,
  weights: readonly [number, number, number],
): fc.Arbitrary<Field> {
  const element = fc.oneof(
    { arbitrary: container(mood, cover), weight: 100 },
    { arbitrary: jsonNull, weight: rare(mood) },
  );
  return fc.oneof(
    { arbitrary: absent, weight: weights[0] },
    { arbitrary: jsonNull, weight: weights[1] },
    { arbitrary: fc.array(element, { minLength: 1, maxLength }), weight: weights[2] },
    { arbitrary: fc.constant([]), weight: 1 },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Volumes

/** Sources the restricted profile allows, with a small valid body each. */
export const allowedVolumeSources: Readonly<Record<string, Json>> = {
  configMap: { name: 'cm' },
  csi: { driver: 'csi.example.com' },
  downwardAPI: { items: [] },
  emptyDir: {},
  ephemeral: { volumeClaimTemplate: null },
  image: { reference: 'registry.example/data:1' },
  persistentVolumeClaim: { claimName: 'data' },
  projected: { sources: [] },
  secret: { secretName: 's' },
};

/** Every other source, in the restricted check's label priority order. */
export const restrictedVolumeSources: Readonly<Record<string, Json>> = {
  hostPath: { path: '/var/run', type: '' },
  gcePersistentDisk: { pdName: 'pd' },
  awsElasticBlockStore: { volumeID: 'vol-1' },
  gitRepo: { repository: 'https://example.com/repo.git' },
  nfs: { server: 'nfs.example', path: '/export' },
  iscsi: { targetPortal: '10.0.0.2:3260', iqn: 'iqn.2001-04.com.example:storage', lun: 0 },
  glusterfs: { endpoints: 'gluster', path: 'vol' },
  rbd: { monitors: ['10.0.0.3:6789'], image: 'img' },
  flexVolume: { driver: 'example/flex' },
  cinder: { volumeID: 'c1' },
  cephfs: { monitors: ['10.0.0.4:6789'] },
  flocker: { datasetName: 'ds' },
  fc: { wwids: ['w1'] },
  azureFile: { secretName: 'az', shareName: 'share' },
  vsphereVolume: { volumePath: '[ds] vol.vmdk' },
  quobyte: { registry: 'reg:7861', volume: 'q' },
  azureDisk: { diskName: 'd', diskURI: 'https://disk' },
  photonPersistentDisk: { pdID: 'p1' },
  portworxVolume: { volumeID: 'px' },
  scaleIO: { gateway: 'gw', system: 'sys', secretRef: { name: 'sio' } },
  storageos: { volumeName: 'so' },
};

const volumeNames = ['data', 'host', 'nfs', 'v', 'cache', 'config'];

function volume(mood: Mood): fc.Arbitrary<Json> {
  const allowedKeys = Object.keys(allowedVolumeSources);
  const restrictedKeys = Object.keys(restrictedVolumeSources);
  // 0..2 sources: none (the default applies), one allowed, one restricted, or both kinds (allowed wins at restricted).
  const sourceSet = byMood(
    mood,
    fc.oneof(
      { arbitrary: fc.constantFrom(...allowedKeys).map((k) => [k]), weight: 10 },
      { arbitrary: fc.constant<string[]>([]), weight: 1 },
    ),
    fc.oneof(
      { arbitrary: fc.constantFrom(...restrictedKeys).map((k) => [k]), weight: 6 },
      {
        arbitrary: fc
          .tuple(fc.constantFrom(...restrictedKeys), fc.constantFrom(...restrictedKeys))
          .map(([a, b]) => [a, b]),
        weight: 2,
      },
      {
        arbitrary: fc
          .tuple(fc.constantFrom(...restrictedKeys), fc.constantFrom(...allowedKeys))
          .map(([a, b]) => [a, b]),
        weight: 2,
      },
      { arbitrary: fc.constant<string[]>([]), weight: 1 },
    ),
    true,
  );
  return fc
    .record({
      name: fc.oneof({ arbitrary: strings(volumeNames), weight: 20 }, { arbitrary: absent, weight: 1 }),
      sources: sourceSet,
      // Sometimes a source key is present with null: unset for Go, so it must not count as a source.
      nullSource: fc.oneof(
        { arbitrary: absent, weight: 8 },
        { arbitrary: fc.constantFrom(...allowedKeys, ...restrictedKeys), weight: 1 },
      ),
      emptyBodies: fc.boolean(),
    })
    .map(({ name, sources, nullSource, emptyBodies }) => {
      const out: Record<string, Json> = {};
      if (name !== ABSENT) out['name'] = name;
      if (nullSource !== ABSENT && !sources.includes(nullSource)) out[nullSource] = null;
      for (const key of sources) {
        out[key] = emptyBodies ? {} : (allowedVolumeSources[key] ?? restrictedVolumeSources[key] ?? {});
      }
      return out;
    });
}

// ---------------------------------------------------------------------------------------------------------------
// Pod level

/** Sysctls allowed at v1.0 (always safe), added later (safe only from their version), and forbidden. */
const sysctlsV10 = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
];
const sysctlsLater = [
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
  'net.ipv4.tcp_slow_start_after_idle',
  'net.ipv4.tcp_notsent_lowat',
];
const sysctlsBad = [
  'kernel.msgmax',
  'net.ipv4.ip_forward',
  'net/ipv4/tcp_syncookies',
  'kernel.shm_rmid_forced ',
  'NET.IPV4.TCP_SYNCOOKIES',
  'net.ipv4.tcp_rmem.x',
  '',
];

function sysctls(mood: Mood): fc.Arbitrary<Json> {
  const sysctl = (names: fc.Arbitrary<string>): fc.Arbitrary<Json> =>
    fc.oneof(
      { arbitrary: obj({ name: names, value: maybe(fc.constantFrom('1', '0', '1024 65535')) }), weight: 30 },
      { arbitrary: jsonNull, weight: 1 },
    );
  const good = fc.array(sysctl(fc.constantFrom(...sysctlsV10)), { maxLength: 2 });
  const bad = fc.array(
    sysctl(
      fc.oneof(
        { arbitrary: fc.constantFrom(...sysctlsLater), weight: 4 },
        { arbitrary: fc.constantFrom(...sysctlsBad), weight: 2 },
        { arbitrary: oddString, weight: 1 },
        {
          arbitrary: fc.constantFrom(...sysctlsV10),
          weight: 2,
        },
      ),
    ),
    { minLength: 1, maxLength: 4 },
  );
  return byMood(mood, good, bad, true);
}

function podSecurityContext(mood: Mood, coversNonRoot: boolean, coversSeccomp: boolean): fc.Arbitrary<Json> {
  return obj({
    runAsNonRoot: coversNonRoot
      ? fc.constant(true)
      : byMood(mood, fc.oneof(absent, jsonNull), fc.constant(false), false),
    runAsUser: byMood(mood, maybe(fc.constantFrom(1000, 65534, 1)), fc.oneof(fc.constant(0), runAsUserValue), false),
    runAsGroup: maybe(fc.constantFrom(0, 3000), [6, 1, 2]),
    fsGroup: maybe(fc.constantFrom(2000), [6, 1, 2]),
    supplementalGroups: maybe(fc.constant([4000]), [8, 1, 1]),
    seLinuxOptions: maybe(seLinuxOptions(mood), [6, 1, 3]),
    seccompProfile: coversSeccomp ? profile(mood) : fc.oneof(absent, jsonNull),
    appArmorProfile: maybe(profile(mood), [6, 1, 2]),
    sysctls: maybe(sysctls(mood), [4, 1, 4]),
    windowsOptions: maybe(windowsOptions(mood), [8, 1, 2]),
  });
}

const apparmorPrefix = 'container.apparmor.security.beta.kubernetes.io/';
const seccompPodKey = 'seccomp.security.alpha.kubernetes.io/pod';
const seccompContainerPrefix = 'container.seccomp.security.alpha.kubernetes.io/';

function annotations(mood: Mood): fc.Arbitrary<Json> {
  const suffix = fc.oneof(
    { arbitrary: containerName, weight: 10 },
    { arbitrary: fc.constantFrom('', 'ghost'), weight: 2 },
  );
  const apparmorValue = byMood(
    mood,
    fc.constantFrom('runtime/default', 'localhost/', 'localhost/foo', ''),
    fc.oneof(
      fc.constantFrom('unconfined', 'unknown', 'Runtime/Default', 'docker/default', 'localhost', 'bogus'),
      oddString,
    ),
    true,
  );
  const seccompValue = byMood(
    mood,
    fc.constantFrom('runtime/default', 'docker/default', 'localhost/profile.json', 'localhost/'),
    fc.oneof(fc.constantFrom('unconfined', '', 'RuntimeDefault', 'localhost', 'unknown'), oddString),
    true,
  );
  const entry: fc.Arbitrary<readonly [string, Json]> = fc.oneof(
    {
      arbitrary: fc.tuple(
        suffix.map((s) => apparmorPrefix + s),
        apparmorValue,
      ),
      weight: 4,
    },
    { arbitrary: fc.tuple(fc.constant(seccompPodKey), seccompValue), weight: 2 },
    {
      arbitrary: fc.tuple(
        suffix.map((s) => seccompContainerPrefix + s),
        seccompValue,
      ),
      weight: 3,
    },
    {
      arbitrary: fc.tuple(
        fc.constantFrom(
          'team',
          '__proto__',
          'constructor',
          'toString',
          'container.apparmor.security.beta.kubernetes.io',
          'seccomp.security.alpha.kubernetes.io/podx',
        ),
        fc.constantFrom('x', 'unconfined'),
      ),
      weight: 1,
    },
    // A null value: Go keeps the key with an empty string.
    {
      arbitrary: fc.tuple(
        fc.oneof(
          suffix.map((s) => apparmorPrefix + s),
          fc.constant(seccompPodKey),
          suffix.map((s) => seccompContainerPrefix + s),
        ),
        jsonNull,
      ),
      weight: 1,
    },
  );
  return fc.array(entry, { maxLength: 4 }).map((entries) => Object.fromEntries(entries));
}

/** A raw pod in one mood (exported for distribution checks). */
export function podInMood(mood: Mood): fc.Arbitrary<JsonObject> {
  return fc
    .record({
      coversNonRoot: fc.boolean(),
      coversSeccomp:
        mood === 'wild'
          ? fc.boolean()
          : fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
    })
    .chain(({ coversNonRoot, coversSeccomp }) => {
      const cover: PodCover = { nonRoot: coversNonRoot, seccomp: coversSeccomp };
      const hostBool = byMood(mood, fc.oneof(absent, jsonNull, fc.constant(false)), fc.constant(true), true);
      const spec = obj({
        hostNetwork: hostBool,
        hostPID: hostBool,
        hostIPC: hostBool,
        hostUsers: maybe(fc.boolean(), [5, 1, 4]),
        os: fc.oneof(
          { arbitrary: absent, weight: 8 },
          { arbitrary: jsonNull, weight: 1 },
          {
            arbitrary: obj({ name: fc.oneof(fc.constantFrom('windows', 'linux', 'Windows', '', 'other'), oddString) }),
            weight: 4,
          },
        ),
        runtimeClassName: maybe(fc.constantFrom('runc', 'kata', ''), [8, 1, 1]),
        securityContext: fc.oneof(
          { arbitrary: podSecurityContext(mood, coversNonRoot, coversSeccomp), weight: 40 },
          { arbitrary: absent, weight: rare(mood) },
          { arbitrary: jsonNull, weight: rare(mood) },
        ),
        volumes: fc.oneof(
          { arbitrary: absent, weight: 3 },
          { arbitrary: jsonNull, weight: 1 },
          {
            arbitrary: fc.array(fc.oneof({ arbitrary: volume(mood), weight: 40 }, { arbitrary: jsonNull, weight: 1 }), {
              maxLength: 3,
            }),
            weight: 6,
          },
        ),
        initContainers: containerList(mood, cover, 2, [6, 1, 3]),
        containers: containerList(mood, cover, 3, [1, 1, 30]),
        ephemeralContainers: containerList(mood, cover, 2, [10, 1, 2]),
      });
      const metadata = obj({
        name: fc.constant('pod'),
        namespace: maybe(fc.constant('default'), [3, 0, 1]),
        labels: maybe(fc.constant({ app: 'demo' }), [3, 1, 1]),
        annotations: fc.oneof(
          { arbitrary: absent, weight: 4 },
          { arbitrary: jsonNull, weight: 1 },
          { arbitrary: annotations(mood), weight: 5 },
        ),
      });
      return fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('Pod'), metadata, spec });
    });
}

/**
 * Wrongly typed values at fields the checks read (so our decoder reads them too): the API server rejects such a pod,
 * and so must we, never evaluating it with the field silently dropped. A path is keys and indices; a missing object or
 * first element on the way is created.
 */
export const wrongTypes: readonly (readonly [path: readonly (string | number)[], value: Json])[] = [
  [['spec', 'hostNetwork'], 'true'],
  [['spec', 'hostPID'], 1],
  [['spec', 'hostUsers'], 'false'],
  [['spec', 'os'], 'windows'],
  [['spec', 'os', 'name'], 1],
  [['spec', 'securityContext'], []],
  [['spec', 'securityContext', 'runAsNonRoot'], 'true'],
  [['spec', 'securityContext', 'runAsUser'], 1.5],
  [['spec', 'securityContext', 'runAsUser'], '0'],
  [['spec', 'securityContext', 'runAsUser'], 1e19],
  [['spec', 'securityContext', 'sysctls'], { name: 'kernel.msgmax' }],
  [['spec', 'securityContext', 'sysctls', 0, 'name'], 5],
  [['spec', 'securityContext', 'seccompProfile', 'type'], false],
  [['spec', 'securityContext', 'windowsOptions', 'hostProcess'], 'true'],
  [['spec', 'volumes'], {}],
  [['spec', 'volumes', 0, 'hostPath'], '/'],
  [['spec', 'volumes', 0, 'name'], ['x']],
  [['spec', 'containers'], {}],
  [['spec', 'containers', 0], 'c'],
  [['spec', 'containers', 0, 'name'], 5],
  [['spec', 'containers', 0, 'securityContext'], 'privileged'],
  [['spec', 'containers', 0, 'securityContext', 'privileged'], 'true'],
  [['spec', 'containers', 0, 'securityContext', 'allowPrivilegeEscalation'], 0],
  [['spec', 'containers', 0, 'securityContext', 'capabilities', 'add'], 'NET_RAW'],
  [['spec', 'containers', 0, 'securityContext', 'capabilities', 'drop', 0], 1],
  [['spec', 'containers', 0, 'securityContext', 'procMount'], true],
  [['spec', 'containers', 0, 'securityContext', 'runAsUser'], 2.5],
  [['spec', 'containers', 0, 'securityContext', 'seLinuxOptions', 'type'], 7],
  [['spec', 'containers', 0, 'ports', 0, 'hostPort'], '80'],
  [['spec', 'containers', 0, 'ports', 0, 'hostPort'], 2147483648],
  [['spec', 'containers', 0, 'ports', 0, 'hostPort'], -2147483649],
  [['spec', 'containers', 0, 'ports', 0, 'hostPort'], 80.5],
  [['spec', 'containers', 0, 'livenessProbe', 'httpGet', 'host'], 7],
  [['spec', 'initContainers', 0, 'lifecycle', 'preStop', 'tcpSocket'], 'x'],
  [['spec', 'ephemeralContainers', 0, 'securityContext', 'appArmorProfile'], 'Unconfined'],
  [['metadata'], 'pod'],
  [['metadata', 'annotations'], []],
  [['metadata', 'annotations', 'container.apparmor.security.beta.kubernetes.io/a'], 1],
];

/** A copy of `pod` with `value` at `path`, creating the objects and first elements on the way. */
export function injectAt(pod: JsonObject, path: readonly (string | number)[], value: Json): JsonObject {
  const root = structuredClone(pod) as Record<string, unknown>;
  let node: Record<string | number, unknown> = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const nextIsIndex = typeof path[i + 1] === 'number';
    let child = node[key];
    if (nextIsIndex ? !Array.isArray(child) : typeof child !== 'object' || child === null || Array.isArray(child)) {
      child = nextIsIndex ? [] : {};
      node[key] = child;
    }
    if (nextIsIndex && (child as unknown[]).length === 0) (child as unknown[]).push({});
    node = child as Record<string | number, unknown>;
  }
  node[path[path.length - 1]!] = value;
  return root as JsonObject;
}

/** Pods with nothing, or nulls, where metadata and spec would be: every check must allow them. */
const degeneratePod: fc.Arbitrary<JsonObject> = fc.constantFrom<JsonObject>(
  {},
  { apiVersion: 'v1', kind: 'Pod' },
  { metadata: null, spec: null },
  { metadata: {}, spec: {} },
  { metadata: null, spec: { containers: [{ name: 'a' }] } },
  { metadata: { annotations: null }, spec: { containers: null, initContainers: [], volumes: null } },
);

/** A generated pod with one wrongly typed field. */
export const mistypedPod: fc.Arbitrary<JsonObject> = fc
  .tuple(podInMood('wild'), fc.constantFrom(...wrongTypes))
  .map(([pod, [path, value]]) => injectAt(pod, path, value));

/** A raw v1 Pod, mixing the three moods so restricted-ok, baseline-ok and privileged-only pods are all common, plus
 * a few mistyped pods that both sides must reject. */
export const rawPod: fc.Arbitrary<JsonObject> = fc.oneof(
  { arbitrary: podInMood('restricted'), weight: 40 },
  { arbitrary: podInMood('baseline'), weight: 30 },
  { arbitrary: podInMood('wild'), weight: 30 },
  { arbitrary: mistypedPod, weight: 2 },
  { arbitrary: degeneratePod, weight: 1 },
);

/** Every version at which some check changes, plus `latest` and a version above the newest. */
export const keyVersions: readonly string[] = [
  'v1.0',
  'v1.8',
  'v1.19',
  'v1.22',
  'v1.23',
  'v1.25',
  'v1.27',
  'v1.29',
  'v1.31',
  'v1.32',
  'v1.34',
  'v1.35',
  'v1.37',
  'latest',
  'v1.40',
];

/** Mostly the key versions; sometimes any minor from v1.0 to v1.40, and a huge one. */
export const version: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...keyVersions), weight: 8 },
  { arbitrary: fc.integer({ min: 0, max: 40 }).map((n) => `v1.${String(n)}`), weight: 2 },
  { arbitrary: fc.constant('v1.9223372036854775807'), weight: 1 },
);

export const level: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constant('privileged'), weight: 1 },
  { arbitrary: fc.constant('baseline'), weight: 4 },
  { arbitrary: fc.constant('restricted'), weight: 5 },
);

/** A full differential case. */
export const podCase: fc.Arbitrary<PodCase> = fc.record({ level, version, pod: rawPod });
