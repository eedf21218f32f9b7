import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluatePodsInNamespace } from '../../admission/index.ts';
import type { AdmissionSettings, ListedPod } from '../../admission/index.ts';
import { LATEST } from '../../api/index.ts';
import { decodePod } from '../../k8s/index.ts';
import { defaultEvaluator } from '../../policy/index.ts';
import { CHECK_FIXTURES } from '../../../test/fixtures/cases.ts';
import { AuditAggregator, EXAMPLES_PER_REASON } from './aggregate.ts';
import { OwnerIndex } from './owners.ts';

const SETTINGS: AdmissionSettings = {
  defaults: {
    enforce: { level: 'baseline', version: LATEST },
    warn: { level: 'restricted', version: LATEST },
    audit: { level: 'restricted', version: LATEST },
  },
  exemptions: { usernames: [], namespaces: ['kube-system'], runtimeClasses: ['kata'] },
};

/** Every pass and fail fixture of every check at the newest version, as decoded pods with unique names. */
function corpus(): ListedPod[] {
  const pods: ListedPod[] = [];
  for (const fixtures of CHECK_FIXTURES) {
    const built = fixtures.build({ level: fixtures.level, minor: 37 });
    for (const raw of [...built.pass, ...built.fail]) {
      const decoded = decodePod({
        ...raw,
        metadata: { ...raw.metadata, name: `${fixtures.checkId.toLowerCase()}-${pods.length}` },
      });
      assert.deepEqual(decoded.issues, []);
      pods.push({ metadata: decoded.value.metadata, spec: decoded.value.spec });
    }
  }
  return pods;
}

describe('AuditAggregator', () => {
  const pods = corpus();

  it("gives, per level, exactly the admission layer's dry-run warnings (no pod cap) and refusal counts", async () => {
    const aggregator = new AuditAggregator({ settings: SETTINGS, owners: new OwnerIndex() });
    aggregator.addNamespace('team', { 'pod-security.kubernetes.io/enforce': 'privileged' });
    for (const pod of pods) aggregator.addPod('team', pod.metadata, pod.spec);
    const [team] = aggregator.results();
    assert.equal(team!.pods, pods.length);
    for (const level of ['baseline', 'restricted'] as const) {
      const expected = await evaluatePodsInNamespace(
        'team',
        { level, version: LATEST },
        {
          pods: { listPods: () => Promise.resolve(pods) },
          evaluator: defaultEvaluator,
          clock: () => 0,
          maxPods: Number.MAX_SAFE_INTEGER,
          timeoutMs: Number.MAX_SAFE_INTEGER,
          isExemptRuntimeClass: () => false,
        },
      );
      assert.deepEqual(team!.levels[level].warnings, expected, level);
      const refused = pods.filter(
        (p) => !defaultEvaluator.isPodAllowed({ level, version: LATEST }, p.metadata, p.spec),
      );
      assert.equal(team!.levels[level].refused, refused.length);
      for (const examples of Object.values(team!.levels[level].examples)) {
        assert.ok(examples.length >= 1 && examples.length <= EXAMPLES_PER_REASON);
        assert.deepEqual([...examples].sort(), examples);
      }
    }
    assert.equal(team!.strictestLevel, 'privileged');
    assert.equal(team!.refusedAtCurrent, 0, 'enforce=privileged refuses nothing');
    assert.deepEqual(team!.levels.privileged, {
      refused: 0,
      reasons: {},
      checks: {},
      checkReasons: {},
      examples: {},
      owners: [],
      warnings: [],
    });
  });

  it('exempt namespaces count their pods but refuse none; exempt runtime classes are skipped', () => {
    const aggregator = new AuditAggregator({ settings: SETTINGS, owners: new OwnerIndex() });
    aggregator.addNamespace('kube-system', {});
    aggregator.addNamespace('empty', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    const privileged = pods.find(
      (p) => !defaultEvaluator.isPodAllowed({ level: 'baseline', version: LATEST }, p.metadata, p.spec),
    )!;
    aggregator.addPod('kube-system', privileged.metadata, privileged.spec);
    aggregator.addPod('kube-system', privileged.metadata, { ...privileged.spec, runtimeClassName: 'kata' });
    // A pod in a namespace never listed gets the configured defaults.
    aggregator.addPod('unlisted', privileged.metadata, privileged.spec);
    const [empty, kubeSystem, unlisted] = aggregator.results();
    assert.deepEqual(
      [
        kubeSystem!.exempt,
        kubeSystem!.pods,
        kubeSystem!.exemptRuntimeClassPods,
        kubeSystem!.levels.baseline.refused,
        kubeSystem!.refusedAtCurrent,
      ],
      [true, 1, 1, 1, 0],
    );
    assert.deepEqual([empty!.pods, empty!.strictestLevel], [0, 'restricted'], 'no pods: restricted');
    assert.deepEqual([unlisted!.current.enforce, unlisted!.refusedAtCurrent], ['baseline:latest', 1]);
  });

  it('invalid labels fail closed for enforce and are reported', () => {
    const aggregator = new AuditAggregator({ settings: SETTINGS, owners: new OwnerIndex() });
    aggregator.addNamespace('typo', { 'pod-security.kubernetes.io/enforce': 'basline' });
    const [typo] = aggregator.results();
    assert.equal(typo!.current.enforce, 'restricted:latest');
    assert.match(typo!.policyError ?? '', /^Failed to parse policy: .*basline/);
  });

  it('--version adds the levels at that version', () => {
    const aggregator = new AuditAggregator({
      settings: SETTINGS,
      owners: new OwnerIndex(),
      version: { latest: false, major: 1, minor: 22, text: 'v1.22' },
    });
    aggregator.addNamespace('team', {});
    for (const pod of pods) aggregator.addPod('team', pod.metadata, pod.spec);
    const [team] = aggregator.results();
    const older = team!.versions?.['v1.22'];
    assert.ok(older !== undefined);
    assert.ok(older.restricted.refused < team!.levels.restricted.refused, 'fewer restricted checks at v1.22');
    assert.match(older.restricted.warnings[0] ?? '', /enforce level "restricted:v1.22"$/);
  });
});
