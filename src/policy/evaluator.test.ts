import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatLevelVersion, parseLevelVersion, type LevelVersion } from '../api/level-version.ts';
import { majorMinor } from '../api/version.ts';
import type { ObjectMeta, PodSpec } from '../k8s/pod.ts';
import { ALLOWED, forbidden } from './check-result.ts';
import { defaultChecks } from './checks/index.ts';
import { checksAt, createEvaluator, evaluatePod, isPodAllowed, newestPolicyVersion } from './evaluator.ts';
import type { Check } from './types.ts';

function lv(text: string): LevelVersion {
  const parsed = parseLevelVersion(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

const BASELINE_V1_0 = [
  'appArmorProfile',
  'capabilities_baseline',
  'hostNamespaces',
  'hostPathVolumes',
  'hostPorts',
  'privileged',
  'procMount',
  'seLinuxOptions',
  'seccompProfile_baseline',
  'sysctls',
  'windowsHostProcess',
];
const BASELINE_V1_34 = [
  'appArmorProfile',
  'capabilities_baseline',
  'hostNamespaces',
  'hostPathVolumes',
  'hostPorts',
  'hostProbesAndHostLifecycle',
  'privileged',
  'procMount',
  'seLinuxOptions',
  'seccompProfile_baseline',
  'sysctls',
  'windowsHostProcess',
];
const R_BASE = ['appArmorProfile', 'hostNamespaces', 'hostPorts', 'privileged', 'procMount', 'seLinuxOptions'];
const RESTRICTED: [string, string[]][] = [
  [
    'v1.0',
    [
      'appArmorProfile',
      'capabilities_baseline',
      ...R_BASE.slice(1),
      'seccompProfile_baseline',
      'sysctls',
      'windowsHostProcess',
      'restrictedVolumes',
      'runAsNonRoot',
    ],
  ],
  [
    'v1.8',
    [
      'appArmorProfile',
      'capabilities_baseline',
      ...R_BASE.slice(1),
      'seccompProfile_baseline',
      'sysctls',
      'windowsHostProcess',
      'allowPrivilegeEscalation',
      'restrictedVolumes',
      'runAsNonRoot',
    ],
  ],
  [
    'v1.19',
    [
      'appArmorProfile',
      'capabilities_baseline',
      ...R_BASE.slice(1),
      'sysctls',
      'windowsHostProcess',
      'allowPrivilegeEscalation',
      'restrictedVolumes',
      'runAsNonRoot',
      'seccompProfile_restricted',
    ],
  ],
  [
    'v1.22',
    [
      ...R_BASE,
      'sysctls',
      'windowsHostProcess',
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'restrictedVolumes',
      'runAsNonRoot',
      'seccompProfile_restricted',
    ],
  ],
  [
    'v1.23',
    [
      ...R_BASE,
      'sysctls',
      'windowsHostProcess',
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'restrictedVolumes',
      'runAsNonRoot',
      'runAsUser',
      'seccompProfile_restricted',
    ],
  ],
  [
    'v1.34',
    [
      'appArmorProfile',
      'hostNamespaces',
      'hostPorts',
      'hostProbesAndHostLifecycle',
      'privileged',
      'procMount',
      'seLinuxOptions',
      'sysctls',
      'windowsHostProcess',
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'restrictedVolumes',
      'runAsNonRoot',
      'runAsUser',
      'seccompProfile_restricted',
    ],
  ],
  [
    'v1.35',
    [
      'appArmorProfile',
      'hostNamespaces',
      'hostPorts',
      'hostProbesAndHostLifecycle',
      'privileged',
      'seLinuxOptions',
      'sysctls',
      'windowsHostProcess',
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'procMount_restricted',
      'restrictedVolumes',
      'runAsNonRoot',
      'runAsUser',
      'seccompProfile_restricted',
    ],
  ],
];

describe('check order per version band (spec §1.6)', () => {
  it('baseline', () => {
    for (const version of ['v1.0', 'v1.1', 'v1.18', 'v1.19', 'v1.31', 'v1.33']) {
      assert.deepEqual(checksAt(lv(`baseline:${version}`)), BASELINE_V1_0, version);
    }
    for (const version of ['v1.34', 'v1.35', 'v1.37', 'v1.38', 'latest']) {
      assert.deepEqual(checksAt(lv(`baseline:${version}`)), BASELINE_V1_34, version);
    }
  });
  it('restricted', () => {
    for (let i = 0; i < RESTRICTED.length; i++) {
      const [from, want] = RESTRICTED[i]!;
      const until = RESTRICTED[i + 1]?.[0];
      assert.deepEqual(checksAt(lv(`restricted:${from}`)), want, from);
      if (until !== undefined) {
        const last = `v1.${Number(until.slice(3)) - 1}`;
        assert.deepEqual(checksAt(lv(`restricted:${last}`)), want, last);
      }
    }
    const final = RESTRICTED[RESTRICTED.length - 1]![1];
    for (const version of ['v1.36', 'v1.37', 'v1.100', 'latest']) {
      assert.deepEqual(checksAt(lv(`restricted:${version}`)), final, version);
    }
  });
  it('privileged runs nothing', () => {
    assert.deepEqual(checksAt(lv('privileged:latest')), []);
    assert.deepEqual(checksAt(lv('privileged:v1.0')), []);
  });
});

const nginx: PodSpec = { containers: [{ name: 'nginx', image: 'nginx' }] };

describe('Appendix A1: bare nginx pod', () => {
  it('restricted:latest', () => {
    const result = evaluatePod(lv('restricted:latest'), {}, nginx);
    assert.equal(result.allowed, false);
    assert.equal(
      result.forbiddenReason,
      'allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
    );
    assert.equal(
      `pods "nginx-pod" is forbidden: violates PodSecurity "${formatLevelVersion(result.levelVersion)}": ${result.forbiddenDetail}`,
      'pods "nginx-pod" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "nginx" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "nginx" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "nginx" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "nginx" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
    assert.deepEqual(
      result.violations.map((v) => v.checkId),
      ['allowPrivilegeEscalation', 'capabilities_restricted', 'runAsNonRoot', 'seccompProfile_restricted'],
    );
  });
  it('baseline:latest is allowed', () => {
    const result = evaluatePod(lv('baseline:latest'), {}, nginx);
    assert.equal(result.allowed, true);
    assert.equal(result.forbiddenReason, '');
    assert.equal(result.forbiddenDetail, '');
    assert.deepEqual(result.violations, []);
    assert.equal(result.results.length, 12);
  });
  it('restricted:v1.21 has no capabilities requirement', () => {
    assert.equal(
      evaluatePod(lv('restricted:v1.21'), {}, nginx).forbiddenDetail,
      'allowPrivilegeEscalation != false (container "nginx" must set securityContext.allowPrivilegeEscalation=false), runAsNonRoot != true (pod or container "nginx" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "nginx" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });
  it('restricted:v1.0 only requires runAsNonRoot', () => {
    assert.equal(
      evaluatePod(lv('restricted:v1.0'), {}, nginx).forbiddenDetail,
      'runAsNonRoot != true (pod or container "nginx" must set securityContext.runAsNonRoot=true)',
    );
  });
});

const a2Metadata: ObjectMeta = { annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' } };
const a2: PodSpec = {
  hostNetwork: true,
  hostPID: true,
  securityContext: { runAsUser: 0, sysctls: [{ name: 'kernel.msgmax' }, { name: 'net.ipv4.tcp_rmem' }] },
  initContainers: [{ name: 'init', securityContext: { privileged: true } }],
  containers: [
    {
      name: 'app',
      ports: [{ hostPort: 8080 }, { hostPort: 10443 }],
      securityContext: { capabilities: { add: ['NET_ADMIN', 'SYS_TIME'] } },
      livenessProbe: { httpGet: { host: '10.0.0.1' } },
    },
  ],
  volumes: [
    { name: 'host', hostPath: {} },
    { name: 'nfs', nfs: {} },
  ],
};

describe('Appendix A2: a pod violating many checks', () => {
  it('baseline:latest detail', () => {
    assert.equal(
      evaluatePod(lv('baseline:latest'), a2Metadata, a2).forbiddenDetail,
      'forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/app="unconfined""), non-default capabilities (container "app" must not include "NET_ADMIN", "SYS_TIME" in securityContext.capabilities.add), host namespaces (hostNetwork=true, hostPID=true), hostPath volumes (volume "host"), hostPort (container "app" uses hostPorts 10443, 8080), probe or lifecycle host (container "app" uses probe or lifecycle host "10.0.0.1"), privileged (container "init" must not set securityContext.privileged=true), forbidden sysctls (kernel.msgmax)',
    );
  });
  it('baseline:v1.31 has no probe check and forbids tcp_rmem', () => {
    assert.equal(
      evaluatePod(lv('baseline:v1.31'), a2Metadata, a2).forbiddenDetail,
      'forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/app="unconfined""), non-default capabilities (container "app" must not include "NET_ADMIN", "SYS_TIME" in securityContext.capabilities.add), host namespaces (hostNetwork=true, hostPID=true), hostPath volumes (volume "host"), hostPort (container "app" uses hostPorts 10443, 8080), privileged (container "init" must not set securityContext.privileged=true), forbidden sysctls (kernel.msgmax, net.ipv4.tcp_rmem)',
    );
  });
  it('restricted:latest reasons and restricted details', () => {
    const result = evaluatePod(lv('restricted:latest'), a2Metadata, a2);
    assert.equal(
      result.forbiddenReason,
      'forbidden AppArmor profile, host namespaces, hostPort, probe or lifecycle host, privileged, forbidden sysctls, allowPrivilegeEscalation != false, unrestricted capabilities, restricted volume types, runAsNonRoot != true, runAsUser=0, seccompProfile',
    );
    for (const item of [
      'unrestricted capabilities (containers "init", "app" must set securityContext.capabilities.drop=["ALL"]; container "app" must not include "NET_ADMIN", "SYS_TIME" in securityContext.capabilities.add)',
      'restricted volume types (volumes "host", "nfs" use restricted volume types "hostPath", "nfs")',
      'runAsUser=0 (pod must not set runAsUser=0)',
    ]) {
      assert.ok(result.forbiddenDetail.includes(item), item);
    }
    assert.equal(result.violations.length, 12);
    assert.equal(result.forbiddenDetail, result.violations.map((v) => `${v.reason} (${v.detail})`).join(', '));
  });
});

describe('per-check results', () => {
  it('lists every active check in order, sharing the allowed result', () => {
    const result = evaluatePod(lv('restricted:v1.25'), {}, nginx);
    assert.deepEqual(
      result.results.map((r) => r.checkId),
      checksAt(lv('restricted:v1.25')),
    );
    const byId = new Map(result.results.map((r) => [r.checkId, r.result]));
    assert.equal(byId.get('hostPorts'), ALLOWED);
    assert.deepEqual(byId.get('runAsNonRoot'), {
      allowed: false,
      reason: 'runAsNonRoot != true',
      detail: 'pod or container "nginx" must set securityContext.runAsNonRoot=true',
    });
  });
  it('privileged is allowed with no results', () => {
    const result = evaluatePod(lv('privileged:v1.20'), a2Metadata, a2);
    assert.equal(result.allowed, true);
    assert.deepEqual(result.results, []);
    assert.equal(formatLevelVersion(result.levelVersion), 'privileged:v1.20');
  });
  it('isPodAllowed agrees with evaluatePod', () => {
    for (const text of ['baseline:latest', 'restricted:latest', 'restricted:v1.0', 'privileged:latest']) {
      assert.equal(isPodAllowed(lv(text), {}, nginx), evaluatePod(lv(text), {}, nginx).allowed, text);
      assert.equal(isPodAllowed(lv(text), a2Metadata, a2), evaluatePod(lv(text), a2Metadata, a2).allowed, text);
    }
  });
});

describe('version clamping', () => {
  it('v1.100 and latest evaluate as v1.37 but print as given', () => {
    const want = evaluatePod(lv('restricted:v1.37'), a2Metadata, a2);
    for (const text of ['restricted:v1.38', 'restricted:v1.100', 'restricted:latest']) {
      const got = evaluatePod(lv(text), a2Metadata, a2);
      assert.equal(formatLevelVersion(got.levelVersion), text);
      assert.equal(got.forbiddenDetail, want.forbiddenDetail);
      assert.deepEqual(got.results, want.results);
    }
    assert.equal(newestPolicyVersion.text, 'v1.37');
  });
  it('a huge version still clamps', () => {
    assert.deepEqual(checksAt(lv('restricted:v1.9223372036854775807')), checksAt(lv('restricted:v1.37')));
  });
  it('an emulation version lowers the clamp', () => {
    const evaluator = createEvaluator(defaultChecks, { maxVersion: majorMinor(30) });
    assert.equal(evaluator.maxVersion.text, 'v1.30');
    assert.deepEqual(evaluator.checksAt(lv('baseline:latest')), BASELINE_V1_0);
    assert.equal(
      evaluator.evaluatePod(
        lv('baseline:latest'),
        {},
        { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_rmem' }] } },
      ).forbiddenDetail,
      'forbidden sysctls (net.ipv4.tcp_rmem)',
    );
    assert.equal(createEvaluator(defaultChecks, { maxVersion: majorMinor(40) }).maxVersion.text, 'v1.37');
  });
});

describe('the position of a violation moves with the version', () => {
  const unmasked: PodSpec = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'a',
        securityContext: {
          privileged: true,
          procMount: 'Unmasked',
          allowPrivilegeEscalation: true,
          capabilities: { drop: ['ALL'] },
        },
      },
    ],
  };
  it('procMount after privileged at v1.34, after capabilities at v1.35', () => {
    assert.equal(
      evaluatePod(lv('restricted:v1.34'), {}, unmasked).forbiddenReason,
      'privileged, procMount, allowPrivilegeEscalation != false',
    );
    assert.equal(
      evaluatePod(lv('restricted:v1.35'), {}, unmasked).forbiddenReason,
      'privileged, allowPrivilegeEscalation != false, procMount',
    );
  });
  it('hostUsers: false relaxes baseline procMount from v1.35 but not restricted', () => {
    const spec: PodSpec = { ...unmasked, hostUsers: false };
    assert.equal(evaluatePod(lv('baseline:v1.34'), {}, spec).forbiddenReason, 'privileged, procMount');
    assert.equal(evaluatePod(lv('baseline:v1.35'), {}, spec).forbiddenReason, 'privileged');
    assert.equal(
      evaluatePod(lv('restricted:v1.35'), {}, spec).forbiddenReason,
      'privileged, allowPrivilegeEscalation != false, procMount',
    );
  });
});

describe('aggregation of custom checks', () => {
  const make = (id: string, level: 'baseline' | 'restricted', reason: string, detail: string): Check => ({
    id,
    level,
    versions: [{ minimumVersion: majorMinor(0), evaluate: () => forbidden(reason, detail) }],
  });
  it('replaces an empty reason and omits empty details', () => {
    const evaluator = createEvaluator([make('b', 'baseline', '', 'd1'), make('a', 'baseline', 'r2', '')]);
    const result = evaluator.evaluatePod(lv('baseline:v1.0'), {}, {});
    assert.equal(result.forbiddenReason, 'r2, unknown forbidden reason');
    assert.equal(result.forbiddenDetail, 'r2, unknown forbidden reason (d1)');
  });
  it('sorts IDs by code point, baseline first; unknown override IDs are harmless; absent before first version', () => {
    const evaluator = createEvaluator([
      make('z', 'restricted', 'rz', ''),
      {
        id: 'A',
        level: 'restricted',
        versions: [{ minimumVersion: majorMinor(5), evaluate: () => ALLOWED, overrides: ['b', 'missing'] }],
      },
      make('b', 'baseline', 'rb', ''),
      make('\u{10000}', 'baseline', 'r1', ''),
      make('\uffff', 'baseline', 'r2', ''),
    ]);
    assert.deepEqual(evaluator.checksAt(lv('restricted:v1.4')), ['b', '\uffff', '\u{10000}', 'z']);
    assert.deepEqual(evaluator.checksAt(lv('restricted:latest')), ['\uffff', '\u{10000}', 'A', 'z']);
    assert.deepEqual(evaluator.checksAt(lv('baseline:latest')), ['b', '\uffff', '\u{10000}']);
    assert.equal(evaluator.maxVersion.text, 'v1.5');
  });
  it('a version below every check runs nothing', () => {
    const evaluator = createEvaluator([
      {
        id: 'late',
        level: 'baseline',
        versions: [{ minimumVersion: majorMinor(10), evaluate: () => forbidden('x', '') }],
      },
    ]);
    assert.deepEqual(evaluator.checksAt(lv('baseline:v1.9')), []);
    assert.equal(evaluator.evaluatePod(lv('baseline:v1.9'), {}, {}).allowed, true);
    assert.equal(evaluator.evaluatePod(lv('baseline:v1.10'), {}, {}).allowed, false);
  });
});
