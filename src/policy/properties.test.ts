/**
 * Property tests of the engine over typed pods that reach every field a check reads (spec §2): privileged allows
 * everything; restricted-allowed implies baseline-allowed; versions above the newest behave as the newest; evaluation
 * never throws; the fast verdict agrees with the full evaluation and the aggregate strings are consistent.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatLevelVersion, type LevelVersion } from '../api/level-version.ts';
import type { Level } from '../api/level.ts';
import { LATEST, majorMinor, type Version } from '../api/version.ts';
import type { Container, ObjectMeta, PodSpec, SecurityContext } from '../k8s/pod.ts';
import { checksAt, evaluatePod, isPodAllowed } from './evaluator.ts';
import { minimumLevel } from './minimum-level.ts';

const RUNS = Number(process.env['PSA_PROPERTY_RUNS'] ?? 300);

/** A field that is absent (key omitted) or has a value. */
function optional<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.option(arb, { nil: undefined, freq: 2 });
}

/** Builds an object without the keys whose value is undefined (exactOptionalPropertyTypes). */
function compact<T extends object>(record: { [K in keyof T]: T[K] | undefined }): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined) out[key] = value;
  return out as T;
}

const odd = fc.constantFrom('', ' ', 'a"b', 'x\\y', 'tab\t', 'é', '😀', '\u00a0', '\ud800', '\uffff', '\u{10000}');
const name = fc.oneof(fc.constantFrom('a', 'b', 'app', 'init', 'dbg'), odd);
const profileType = fc.oneof(fc.constantFrom('RuntimeDefault', 'Localhost', 'Unconfined', ''), odd);
const profile = fc.record({ type: optional(profileType) }).map(compact);
const seLinux = fc
  .record({
    type: optional(
      fc.constantFrom('', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t', 'spc_t'),
    ),
    user: optional(fc.constantFrom('', 'u')),
    role: optional(fc.constantFrom('', 'r')),
    level: optional(fc.constantFrom('', 's0')),
  })
  .map(compact);
const capability = fc.constantFrom(
  'ALL',
  'all',
  'NET_BIND_SERVICE',
  'CHOWN',
  'KILL',
  'SYS_ADMIN',
  'NET_RAW',
  'CAP_CHOWN',
  '',
);
const host = fc.constantFrom('', 'localhost', '127.0.0.1', '::1', 'a.com');
const handler = fc
  .record({
    httpGet: optional(fc.record({ host: optional(host) }).map(compact)),
    tcpSocket: optional(fc.record({ host: optional(host) }).map(compact)),
  })
  .map(compact);
const windowsOptions = fc.record({ hostProcess: optional(fc.boolean()) }).map(compact);

const securityContext: fc.Arbitrary<SecurityContext> = fc
  .record({
    privileged: optional(fc.boolean()),
    allowPrivilegeEscalation: optional(fc.boolean()),
    capabilities: optional(
      fc
        .record({
          add: optional(fc.array(capability, { maxLength: 3 })),
          drop: optional(fc.array(capability, { maxLength: 3 })),
        })
        .map(compact),
    ),
    procMount: optional(fc.constantFrom('Default', 'Unmasked', '', 'other')),
    runAsNonRoot: optional(fc.boolean()),
    runAsUser: optional(fc.constantFrom(0, 1, 1000)),
    seLinuxOptions: optional(seLinux),
    seccompProfile: optional(profile),
    appArmorProfile: optional(profile),
    windowsOptions: optional(windowsOptions),
  })
  .map(compact);

const container: fc.Arbitrary<Container> = fc
  .record({
    name: optional(name),
    ports: optional(
      fc.array(fc.record({ hostPort: optional(fc.constantFrom(0, 80, 8080, 10443, -1)) }).map(compact), {
        maxLength: 3,
      }),
    ),
    securityContext: optional(securityContext),
    livenessProbe: optional(handler),
    readinessProbe: optional(handler),
    startupProbe: optional(handler),
    lifecycle: optional(fc.record({ postStart: optional(handler), preStop: optional(handler) }).map(compact)),
  })
  .map(compact);

const volumeSource = fc.constantFrom(
  'configMap',
  'emptyDir',
  'secret',
  'projected',
  'hostPath',
  'nfs',
  'gitRepo',
  'unknownSource',
);
const volume = fc.tuple(optional(name), fc.uniqueArray(volumeSource, { maxLength: 2 })).map(([volumeName, sources]) => {
  const v: Record<string, unknown> = volumeName === undefined ? {} : { name: volumeName };
  for (const source of sources) v[source] = {};
  return v;
});

const sysctlName = fc.constantFrom(
  'kernel.shm_rmid_forced',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_notsent_lowat',
  'kernel.msgmax',
  '',
);

const spec: fc.Arbitrary<PodSpec> = fc
  .record({
    hostNetwork: optional(fc.boolean()),
    hostPID: optional(fc.boolean()),
    hostIPC: optional(fc.boolean()),
    hostUsers: optional(fc.boolean()),
    os: optional(fc.record({ name: optional(fc.constantFrom('windows', 'linux', 'Windows')) }).map(compact)),
    securityContext: optional(
      fc
        .record({
          runAsNonRoot: optional(fc.boolean()),
          runAsUser: optional(fc.constantFrom(0, 1000)),
          seLinuxOptions: optional(seLinux),
          seccompProfile: optional(profile),
          appArmorProfile: optional(profile),
          sysctls: optional(fc.array(fc.record({ name: optional(sysctlName) }).map(compact), { maxLength: 3 })),
          windowsOptions: optional(windowsOptions),
        })
        .map(compact),
    ),
    volumes: optional(fc.array(volume, { maxLength: 3 })),
    initContainers: optional(fc.array(container, { maxLength: 2 })),
    containers: optional(fc.array(container, { maxLength: 3 })),
    ephemeralContainers: optional(fc.array(container, { maxLength: 1 })),
  })
  .map(compact);

const annotationKey = fc.oneof(
  fc.constantFrom(
    'seccomp.security.alpha.kubernetes.io/pod',
    'container.apparmor.security.beta.kubernetes.io/',
    'other/annotation',
  ),
  name.map((n) => `container.apparmor.security.beta.kubernetes.io/${n}`),
  name.map((n) => `container.seccomp.security.alpha.kubernetes.io/${n}`),
);
const annotationValue = fc.oneof(
  fc.constantFrom('', 'runtime/default', 'docker/default', 'localhost/', 'localhost/p', 'unconfined'),
  odd,
);
const metadata: fc.Arbitrary<ObjectMeta> = optional(fc.dictionary(annotationKey, annotationValue, { maxKeys: 3 })).map(
  (annotations) => (annotations === undefined ? {} : { annotations }),
);

const KEY_MINORS = [0, 7, 8, 18, 19, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37];
const version: fc.Arbitrary<Version> = fc.oneof(
  fc.constant(LATEST),
  fc.constantFrom(...KEY_MINORS).map(majorMinor),
  fc.integer({ min: 0, max: 200 }).map(majorMinor),
);
const level: fc.Arbitrary<Level> = fc.constantFrom('privileged', 'baseline', 'restricted');

const params = { numRuns: RUNS };

// Every optional key a check reads; `withNulls` sets the absent ones to null (decoders drop nulls, but the engine is
// defensive and must treat null exactly like absent).
const NULLABLE_KEYS = [
  'annotations',
  'hostNetwork',
  'hostPID',
  'hostIPC',
  'hostUsers',
  'os',
  'securityContext',
  'volumes',
  'initContainers',
  'containers',
  'ephemeralContainers',
  'name',
  'type',
  'user',
  'role',
  'runAsNonRoot',
  'runAsUser',
  'seLinuxOptions',
  'seccompProfile',
  'appArmorProfile',
  'sysctls',
  'windowsOptions',
  'hostProcess',
  'privileged',
  'allowPrivilegeEscalation',
  'capabilities',
  'add',
  'drop',
  'procMount',
  'ports',
  'hostPort',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'postStart',
  'preStop',
  'httpGet',
  'tcpSocket',
  'host',
  'hostPath',
  'nfs',
  'emptyDir',
  'configMap',
];

function withNulls<T>(value: T, inAnnotations = false): T {
  if (Array.isArray(value)) return value.map((v: unknown) => withNulls(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = withNulls(v, key === 'annotations');
  if (!inAnnotations) for (const key of NULLABLE_KEYS) if (!(key in out)) out[key] = null;
  return out as T;
}

describe('engine properties', () => {
  it('privileged allows everything, with no results', () => {
    fc.assert(
      fc.property(version, metadata, spec, (v, m, s) => {
        const result = evaluatePod({ level: 'privileged', version: v }, m, s);
        return result.allowed && result.results.length === 0 && result.forbiddenDetail === '';
      }),
      params,
    );
  });

  it('restricted-allowed implies baseline-allowed (API-valid volumes, non-Windows pods)', () => {
    fc.assert(
      fc.property(version, metadata, spec, (v, m, s) => {
        // The API server rejects a volume with several sources. Such a volume mixing hostPath with an allowed source is
        // the one known exception (spec §9.10): restrictedVolumes allows it and hostPathVolumes is overridden.
        fc.pre((s.volumes ?? []).every((vol) => Object.keys(vol).filter((k) => k !== 'name').length <= 1));
        // The second exception (upstream behaviour, pinned below): from v1.25 restricted skips seccomp for Windows pods,
        // while the overridden baseline seccomp check would still reject a non-default profile type.
        if (s.os?.name === 'windows') return true;
        if (!isPodAllowed({ level: 'restricted', version: v }, m, s)) return true;
        return isPodAllowed({ level: 'baseline', version: v }, m, s);
      }),
      params,
    );
  });

  it('exception: a Windows pod with a bad seccomp type passes restricted (v1.25+) but not baseline', () => {
    const s: PodSpec = { os: { name: 'windows' }, securityContext: { seccompProfile: { type: 'Unconfined' } } };
    assert.equal(isPodAllowed({ level: 'restricted', version: LATEST }, {}, s), true);
    assert.equal(isPodAllowed({ level: 'baseline', version: LATEST }, {}, s), false);
    assert.equal(isPodAllowed({ level: 'restricted', version: majorMinor(24) }, {}, s), false);
  });

  it('exception: hostPath beside an allowed source passes restricted but not baseline', () => {
    const s: PodSpec = { volumes: [{ name: 'v', hostPath: {}, configMap: {} }] };
    assert.equal(isPodAllowed({ level: 'restricted', version: LATEST }, {}, s), true);
    assert.equal(isPodAllowed({ level: 'baseline', version: LATEST }, {}, s), false);
  });

  it('versions above v1.37 behave as v1.37 and print as given', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Level>('baseline', 'restricted'),
        fc.oneof(fc.constant(LATEST), fc.integer({ min: 38, max: 10_000 }).map(majorMinor)),
        metadata,
        spec,
        (l, v, m, s) => {
          const newest = evaluatePod({ level: l, version: majorMinor(37) }, m, s);
          const got = evaluatePod({ level: l, version: v }, m, s);
          assert.equal(formatLevelVersion(got.levelVersion), `${l}:${v.text}`);
          assert.deepEqual(got.results, newest.results);
          assert.equal(got.forbiddenDetail, newest.forbiddenDetail);
        },
      ),
      params,
    );
  });

  it('never throws; the verdict, results and strings are consistent', () => {
    fc.assert(
      fc.property(level, version, metadata, spec, (l, v, m, s) => {
        const lv: LevelVersion = { level: l, version: v };
        const result = evaluatePod(lv, m, s);
        assert.equal(result.allowed, isPodAllowed(lv, m, s));
        assert.equal(result.allowed, result.violations.length === 0);
        assert.deepEqual(
          result.results.map((r) => r.checkId),
          checksAt(lv),
        );
        assert.deepEqual(
          result.violations.map((x) => x.checkId),
          result.results.filter((r) => !r.result.allowed).map((r) => r.checkId),
        );
        assert.equal(result.forbiddenReason, result.violations.map((x) => x.reason).join(', '));
        assert.equal(
          result.forbiddenDetail,
          result.violations.map((x) => (x.detail === '' ? x.reason : `${x.reason} (${x.detail})`)).join(', '),
        );
        for (const x of result.violations) assert.notEqual(x.reason, '');
      }),
      params,
    );
  });

  it('null is treated exactly like an absent field', () => {
    fc.assert(
      fc.property(level, version, metadata, spec, (l, v, m, s) => {
        const lv: LevelVersion = { level: l, version: v };
        const plain = evaluatePod(lv, m, s);
        const nulled = evaluatePod(lv, withNulls(m), withNulls(s));
        assert.equal(nulled.forbiddenDetail, plain.forbiddenDetail);
        assert.equal(nulled.allowed, plain.allowed);
      }),
      params,
    );
  });

  it('minimumLevel is the strictest level that allows the pod', () => {
    fc.assert(
      fc.property(version, metadata, spec, (v, m, s) => {
        const min = minimumLevel(v, m, s);
        const allowedAt = (l: Level) => evaluatePod({ level: l, version: v }, m, s).allowed;
        if (min === 'restricted') return allowedAt('restricted');
        if (min === 'baseline') return !allowedAt('restricted') && allowedAt('baseline');
        return !allowedAt('baseline');
      }),
      params,
    );
  });
});
