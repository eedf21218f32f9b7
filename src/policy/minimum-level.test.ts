import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LATEST, majorMinor } from '../api/version.ts';
import type { PodSpec } from '../k8s/pod.ts';
import { minimumLevel } from './minimum-level.ts';

const restrictedPod: PodSpec = {
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [{ name: 'app', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
};

describe('minimumLevel', () => {
  it('restricted for a compliant pod', () => {
    assert.equal(minimumLevel(LATEST, {}, restrictedPod), 'restricted');
  });
  it('baseline for a bare pod', () => {
    assert.equal(minimumLevel(LATEST, {}, { containers: [{ name: 'nginx' }] }), 'baseline');
  });
  it('privileged for a privileged container', () => {
    assert.equal(
      minimumLevel(LATEST, {}, { containers: [{ name: 'a', securityContext: { privileged: true } }] }),
      'privileged',
    );
  });
  it('depends on the version', () => {
    // A bare pod only needs runAsNonRoot at v1.0 restricted.
    const spec: PodSpec = { securityContext: { runAsNonRoot: true }, containers: [{ name: 'a' }] };
    assert.equal(minimumLevel(majorMinor(7), {}, spec), 'restricted');
    assert.equal(minimumLevel(majorMinor(8), {}, spec), 'baseline');
    // tcp_rmem becomes baseline-safe at v1.32.
    const sysctl: PodSpec = {
      ...restrictedPod,
      securityContext: { ...restrictedPod.securityContext, sysctls: [{ name: 'net.ipv4.tcp_rmem' }] },
    };
    assert.equal(minimumLevel(majorMinor(31), {}, sysctl), 'privileged');
    assert.equal(minimumLevel(majorMinor(32), {}, sysctl), 'restricted');
  });
});
