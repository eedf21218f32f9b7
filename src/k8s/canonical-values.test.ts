import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalValue } from './canonical-values.ts';
import { decodePod } from './decode-pod.ts';

describe('canonicalValue', () => {
  it('keeps the text of known and unknown values', () => {
    // Built at run time, so these are not the interned literals; the canonical copy must still read the same.
    for (const word of ['RuntimeDefault', 'Localhost', 'NET_BIND_SERVICE', 'ALL', 'Unmasked', 'SYS_ADMIN', '', 'all']) {
      const fresh = Array.from({ length: word.length }, (_, i) => word.charAt(i)).join('');
      assert.equal(canonicalValue(fresh), word);
    }
  });
});

describe('decodePod with canonical values', () => {
  it('decodes profile types, procMount and capabilities to the same text', () => {
    const raw = structuredClone({
      spec: {
        securityContext: { seccompProfile: { type: 'RuntimeDefault' }, appArmorProfile: { type: 'Unconfined' } },
        containers: [
          {
            securityContext: {
              procMount: 'Unmasked',
              capabilities: { add: ['NET_BIND_SERVICE', 'SYS_ADMIN', ''], drop: ['ALL'] },
              seccompProfile: { type: 'Localhost' },
            },
          },
        ],
      },
    });
    const { value, issues } = decodePod(raw);
    assert.deepEqual(issues, []);
    assert.equal(value.spec.securityContext?.seccompProfile?.type, 'RuntimeDefault');
    assert.equal(value.spec.securityContext?.appArmorProfile?.type, 'Unconfined');
    const sc = value.spec.containers?.[0]?.securityContext;
    assert.equal(sc?.procMount, 'Unmasked');
    assert.deepEqual(sc?.capabilities, { add: ['NET_BIND_SERVICE', 'SYS_ADMIN', ''], drop: ['ALL'] });
    assert.equal(sc?.seccompProfile?.type, 'Localhost');
  });
});
