import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCatalogue } from './catalogue.ts';

// Spec §1.5, verbatim: ID, level, variants, overrides (with the version each override applies from).
const TABLE: [string, string, string[], [string, string][]][] = [
  ['appArmorProfile', 'baseline', ['v1.0'], []],
  ['capabilities_baseline', 'baseline', ['v1.0'], []],
  ['hostNamespaces', 'baseline', ['v1.0'], []],
  ['hostPathVolumes', 'baseline', ['v1.0'], []],
  ['hostPorts', 'baseline', ['v1.0'], []],
  ['hostProbesAndHostLifecycle', 'baseline', ['v1.34'], []],
  ['privileged', 'baseline', ['v1.0'], []],
  ['procMount', 'baseline', ['v1.0', 'v1.35'], []],
  ['seLinuxOptions', 'baseline', ['v1.0', 'v1.31'], []],
  ['seccompProfile_baseline', 'baseline', ['v1.0', 'v1.19'], []],
  ['sysctls', 'baseline', ['v1.0', 'v1.27', 'v1.29', 'v1.32', 'v1.37'], []],
  ['windowsHostProcess', 'baseline', ['v1.0'], []],
  ['allowPrivilegeEscalation', 'restricted', ['v1.8', 'v1.25'], []],
  ['capabilities_restricted', 'restricted', ['v1.22', 'v1.25'], [['capabilities_baseline', 'v1.22']]],
  ['procMount_restricted', 'restricted', ['v1.35'], [['procMount', 'v1.35']]],
  ['restrictedVolumes', 'restricted', ['v1.0'], [['hostPathVolumes', 'v1.0']]],
  ['runAsNonRoot', 'restricted', ['v1.0', 'v1.35'], []],
  ['runAsUser', 'restricted', ['v1.23', 'v1.35'], []],
  ['seccompProfile_restricted', 'restricted', ['v1.19', 'v1.25'], [['seccompProfile_baseline', 'v1.19']]],
];

describe('checkCatalogue', () => {
  it('matches spec §1.5 exactly (19 checks: 12 baseline, 7 restricted)', () => {
    assert.deepEqual(
      checkCatalogue.map((c) => [c.id, c.level, c.versions, c.overrides.map((o) => [o.checkId, o.fromVersion])]),
      TABLE,
    );
    assert.equal(checkCatalogue.filter((c) => c.level === 'baseline').length, 12);
  });
  it('describes every check with a one-line summary and the fields it reads', () => {
    for (const info of checkCatalogue) {
      assert.ok(info.summary.length > 10 && !info.summary.includes('\n'), info.id);
      assert.ok(info.fields.length > 0, info.id);
      for (const field of info.fields) assert.match(field, /^(spec|metadata)\./, `${info.id}: ${field}`);
    }
  });
  it('is frozen', () => {
    assert.ok(Object.isFrozen(checkCatalogue));
    assert.ok(Object.isFrozen(checkCatalogue[0]));
  });
});
