import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatLevelVersion, LATEST, majorMinor, parseLevelVersion } from '../api/index.ts';
import type { LevelVersion } from '../api/index.ts';
import {
  fieldErrorsEqual,
  formatAggregate,
  formatFieldError,
  formatFieldErrors,
  isEnforceUnchangedOrLooser,
  isEquivalentPolicy,
  isFullyPrivileged,
  policyToEvaluate,
} from './policy.ts';
import { FieldErrorTypes } from './types.ts';
import type { FieldError, Policy } from './types.ts';

const privileged: LevelVersion = { level: 'privileged', version: LATEST };
const DEFAULTS: Policy = { enforce: privileged, audit: privileged, warn: privileged };
const P = 'pod-security.kubernetes.io/';

function render(policy: Policy): [string, string, string] {
  return [formatLevelVersion(policy.enforce), formatLevelVersion(policy.audit), formatLevelVersion(policy.warn)];
}

describe('policyToEvaluate (spec §5.2 examples, privileged:latest defaults)', () => {
  const table: readonly {
    labels: Record<string, string>;
    expected: [string, string, string];
    errors: readonly string[];
  }[] = [
    {
      labels: { [`${P}enforce`]: 'baseline' },
      expected: ['baseline:latest', 'privileged:latest', 'baseline:latest'],
      errors: [],
    },
    {
      labels: { [`${P}enforce`]: 'baseline', [`${P}enforce-version`]: 'v1.22' },
      expected: ['baseline:v1.22', 'privileged:latest', 'baseline:v1.22'],
      errors: [],
    },
    {
      labels: { [`${P}enforce`]: 'baseline', [`${P}enforce-version`]: 'v1.22', [`${P}warn-version`]: 'latest' },
      expected: ['baseline:v1.22', 'privileged:latest', 'baseline:latest'],
      errors: [],
    },
    {
      labels: { [`${P}enforce`]: 'baseline', [`${P}warn-version`]: 'v1.23' },
      expected: ['baseline:latest', 'privileged:latest', 'baseline:v1.23'],
      errors: [],
    },
    {
      labels: { [`${P}enforce`]: 'baseline', [`${P}warn`]: 'privileged' },
      expected: ['baseline:latest', 'privileged:latest', 'privileged:latest'],
      errors: [],
    },
    {
      labels: { [`${P}enforce`]: 'baseline', [`${P}warn`]: 'foo' },
      expected: ['baseline:latest', 'privileged:latest', 'privileged:latest'],
      errors: [
        'metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: "foo": must be one of privileged, baseline, restricted',
      ],
    },
    {
      labels: { [`${P}enforce`]: 'foo' },
      expected: ['restricted:latest', 'privileged:latest', 'privileged:latest'],
      errors: [
        'metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "foo": must be one of privileged, baseline, restricted',
      ],
    },
    {
      labels: { [`${P}audit`]: 'Restricted', [`${P}audit-version`]: 'v1.01' },
      expected: ['privileged:latest', 'privileged:latest', 'privileged:latest'],
      errors: [
        'metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: "Restricted": must be one of privileged, baseline, restricted',
        'metadata.labels[pod-security.kubernetes.io/audit-version]: Invalid value: "v1.01": must be "latest" or "v1.x"',
      ],
    },
    {
      // A bad enforce version becomes latest, and warn (defaulted from a valid enforce level) follows it.
      labels: { [`${P}enforce`]: 'restricted', [`${P}enforce-version`]: 'v2' },
      expected: ['restricted:latest', 'privileged:latest', 'restricted:latest'],
      errors: [
        'metadata.labels[pod-security.kubernetes.io/enforce-version]: Invalid value: "v2": must be "latest" or "v1.x"',
      ],
    },
    {
      // An empty value is parsed (and fails), unlike an absent label.
      labels: { [`${P}warn`]: '' },
      expected: ['privileged:latest', 'privileged:latest', 'privileged:latest'],
      errors: [
        'metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: "": must be one of privileged, baseline, restricted',
      ],
    },
    {
      labels: { unrelated: 'x' },
      expected: ['privileged:latest', 'privileged:latest', 'privileged:latest'],
      errors: [],
    },
  ];
  for (const { labels, expected, errors } of table) {
    it(JSON.stringify(labels), () => {
      const result = policyToEvaluate(labels, DEFAULTS);
      assert.deepEqual(render(result.policy), expected);
      assert.deepEqual(result.errors.map(formatFieldError), errors);
    });
  }

  it('returns the defaults untouched for no labels', () => {
    const defaults: Policy = {
      enforce: { level: 'baseline', version: majorMinor(20) },
      audit: privileged,
      warn: privileged,
    };
    assert.equal(policyToEvaluate(undefined, defaults).policy, defaults);
    assert.equal(policyToEvaluate({}, defaults).policy, defaults);
  });

  it('never defaults warn when it is already at least as strict as enforce', () => {
    const defaults: Policy = { enforce: privileged, audit: privileged, warn: { level: 'restricted', version: LATEST } };
    const result = policyToEvaluate({ [`${P}enforce`]: 'baseline', [`${P}enforce-version`]: 'v1.22' }, defaults);
    assert.deepEqual(render(result.policy), ['baseline:v1.22', 'privileged:latest', 'restricted:latest']);
  });

  it('keeps the version text as given', () => {
    const result = policyToEvaluate({ [`${P}enforce`]: 'restricted', [`${P}enforce-version`]: 'v1.100' }, DEFAULTS);
    assert.equal(formatLevelVersion(result.policy.enforce), 'restricted:v1.100');
  });

  it('ignores inherited properties', () => {
    const labels = Object.create({ [`${P}enforce`]: 'restricted' }) as Record<string, string>;
    labels['other'] = 'x';
    assert.deepEqual(render(policyToEvaluate(labels, DEFAULTS).policy), [
      'privileged:latest',
      'privileged:latest',
      'privileged:latest',
    ]);
  });
});

describe('field error rendering (Appendix B)', () => {
  const invalid = (value: string, detail = 'd'): FieldError => ({
    type: FieldErrorTypes.invalid,
    field: `metadata.labels[${P}enforce]`,
    badValue: value,
    detail,
  });

  it('quotes bad values like Go %q', () => {
    assert.equal(
      formatFieldError(invalid('a"b\u00a0\n')),
      'metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "a\\"b\\u00a0\\n": d',
    );
  });

  it('renders duplicates without a detail', () => {
    assert.equal(
      formatFieldError({
        type: FieldErrorTypes.duplicate,
        field: 'exemptions.namespaces[1]',
        badValue: 'kube-system',
        detail: '',
      }),
      'exemptions.namespaces[1]: Duplicate value: "kube-system"',
    );
  });

  it('aggregates: one alone, several bracketed, duplicates removed', () => {
    assert.equal(formatAggregate([]), '');
    assert.equal(formatAggregate(['a']), 'a');
    assert.equal(formatAggregate(['a', 'b', 'a']), '[a, b]');
    assert.equal(formatAggregate(['a', 'a']), 'a');
  });

  it('renders the §5.9 multi-label message', () => {
    const result = policyToEvaluate({ [`${P}enforce`]: 'x', [`${P}enforce-version`]: 'v2' }, DEFAULTS);
    assert.equal(
      formatFieldErrors(result.errors),
      '[metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "x": must be one of privileged, baseline, restricted, metadata.labels[pod-security.kubernetes.io/enforce-version]: Invalid value: "v2": must be "latest" or "v1.x"]',
    );
  });

  it('compares error lists deeply and in order', () => {
    assert.equal(fieldErrorsEqual([invalid('a')], [invalid('a')]), true);
    assert.equal(fieldErrorsEqual([invalid('a')], [invalid('b')]), false);
    assert.equal(fieldErrorsEqual([invalid('a'), invalid('b')], [invalid('b'), invalid('a')]), false);
    assert.equal(fieldErrorsEqual([], []), true);
  });
});

describe('policy predicates', () => {
  const baseline: LevelVersion = { level: 'baseline', version: LATEST };
  it('fully privileged ignores versions', () => {
    const p20: LevelVersion = { level: 'privileged', version: majorMinor(20) };
    assert.equal(isFullyPrivileged({ enforce: p20, audit: privileged, warn: privileged }), true);
    assert.equal(isFullyPrivileged({ enforce: baseline, audit: privileged, warn: privileged }), false);
  });
  it('equivalence treats privileged at any version as equal', () => {
    const p20: LevelVersion = { level: 'privileged', version: majorMinor(20) };
    assert.equal(isEquivalentPolicy({ enforce: p20, audit: privileged, warn: privileged }, DEFAULTS), true);
    const b20: LevelVersion = { level: 'baseline', version: majorMinor(20) };
    assert.equal(
      isEquivalentPolicy({ enforce: b20, audit: privileged, warn: privileged }, { ...DEFAULTS, enforce: baseline }),
      false,
    );
  });
});

describe('isEnforceUnchangedOrLooser', () => {
  const lv = (text: string) => {
    const parsed = parseLevelVersion(text);
    assert.ok(parsed.ok);
    return parsed.value;
  };
  const table: readonly [string, string, boolean][] = [
    ['baseline:latest', 'baseline:latest', true],
    ['privileged:v1.20', 'restricted:latest', true],
    ['baseline:latest', 'restricted:latest', true],
    ['restricted:latest', 'baseline:latest', false],
    ['baseline:v1.20', 'baseline:latest', false],
    ['baseline:latest', 'restricted:v1.20', false],
  ];
  for (const [next, previous, expected] of table) {
    it(`${previous} -> ${next}: ${expected ? 'no re-check' : 're-check pods'}`, () => {
      assert.equal(isEnforceUnchangedOrLooser(lv(next), lv(previous)), expected);
    });
  }
});
