import assert from 'node:assert/strict';
import { it } from 'node:test';
import { procMountRestricted } from './proc-mount-restricted.ts';
import { describeCheckCases } from '../testing/check-table.ts';

const pm = (name: string, procMount: string) => ({ name, securityContext: { procMount } });

describeCheckCases(procMountRestricted, [
  { name: 'no containers', spec: {}, expect: 'allowed' },
  { name: 'Default', spec: { containers: [pm('a', 'Default'), { name: 'b' }] }, expect: 'allowed' },
  {
    name: 'Unmasked and other',
    spec: { containers: [pm('d', 'Unmasked'), pm('e', 'other')] },
    expect: ['procMount', 'containers "d", "e" must not set securityContext.procMount to "Unmasked", "other"'],
  },
  {
    name: 'no user-namespace relaxation',
    versions: [35, 37],
    spec: { hostUsers: false, containers: [pm('a', 'Unmasked')] },
    expect: ['procMount', 'container "a" must not set securityContext.procMount to "Unmasked"'],
  },
]);

it('procMount_restricted starts at v1.35 and overrides procMount', () => {
  assert.deepEqual(
    procMountRestricted.versions.map((v) => [v.minimumVersion.text, v.overrides]),
    [['v1.35', ['procMount']]],
  );
});
