import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LATEST, majorMinor, type Version } from '../api/version.ts';
import { ALLOWED } from './check-result.ts';
import { defaultChecks } from './checks/index.ts';
import { createEvaluator } from './evaluator.ts';
import { InvalidChecksError, validateChecks } from './registry.ts';
import type { Check, VersionedCheck } from './types.ts';

const evaluate = () => ALLOWED;
const variant = (version: Version, overrides?: string[]): VersionedCheck =>
  overrides === undefined ? { minimumVersion: version, evaluate } : { minimumVersion: version, evaluate, overrides };
const check = (id: string, level: string, versions: VersionedCheck[]): Check =>
  ({ id, level, versions }) as unknown as Check;
const v = majorMinor;
const zeroVersion = { latest: false, major: 0, minor: 0, text: 'v0.0' } as unknown as Version;

describe('validateChecks', () => {
  it('accepts the built-in checks', () => {
    assert.deepEqual(validateChecks(defaultChecks), []);
  });

  const cases: [string, Check[], string[]][] = [
    [
      'duplicate ID',
      [check('a', 'baseline', [variant(v(0))]), check('a', 'baseline', [variant(v(1))])],
      ['multiple checks registered for ID a'],
    ],
    ['invalid level', [check('a', 'privileged', [variant(v(0))])], ['check a: invalid level privileged']],
    ['invalid level (garbage)', [check('a', 'Baseline', [variant(v(0))])], ['check a: invalid level Baseline']],
    ['no variants', [check('a', 'baseline', [])], ['check a: empty']],
    ['unset version', [check('a', 'baseline', [variant(zeroVersion)])], ['check a: undefined version found']],
    [
      'latest version',
      [check('a', 'restricted', [variant(v(0)), variant(LATEST)])],
      ["check a: version cannot be 'latest'"],
    ],
    [
      'duplicate version',
      [check('a', 'baseline', [variant(v(3)), variant(v(3))])],
      ['check a: duplicate version v1.3'],
    ],
    [
      'decreasing versions',
      [check('a', 'baseline', [variant(v(5)), variant(v(2))])],
      ['check a: versions must be strictly increasing'],
    ],
    [
      'baseline check with overrides',
      [check('b', 'baseline', [variant(v(0))]), check('a', 'baseline', [variant(v(0), ['b'])])],
      ['check a: only restricted checks may set overrides'],
    ],
    [
      'overriding a restricted check',
      [check('r1', 'restricted', [variant(v(0))]), check('r2', 'restricted', [variant(v(0), ['r1'])])],
      ['check r2: overrides restricted check r1'],
    ],
    ['override of an unknown ID is accepted', [check('r', 'restricted', [variant(v(0), ['nope'])])], []],
    ['empty override list on a baseline check is fine', [check('b', 'baseline', [variant(v(0), [])])], []],
    [
      'every problem is collected, in order',
      [
        check('a', 'baseline', []),
        check('b', 'nope', [variant(v(0))]),
        check('c', 'baseline', [variant(v(0))]),
        check('c', 'baseline', [variant(v(0))]),
        check('r', 'restricted', [variant(v(0), ['c'])]),
      ],
      ['check a: empty', 'check b: invalid level nope', 'multiple checks registered for ID c'],
    ],
  ];
  for (const [name, checks, want] of cases) {
    it(name, () => assert.deepEqual(validateChecks(checks), want));
  }
});

describe('createEvaluator on a bad registry', () => {
  it('throws InvalidChecksError carrying every error', () => {
    const bad = [check('a', 'baseline', []), check('b', 'baseline', [variant(v(2)), variant(v(1))])];
    assert.throws(
      () => createEvaluator(bad),
      (error: unknown) => {
        assert.ok(error instanceof InvalidChecksError);
        assert.equal(error.name, 'InvalidChecksError');
        assert.deepEqual(error.errors, ['check a: empty', 'check b: versions must be strictly increasing']);
        assert.equal(error.message, 'invalid checks: check a: empty; check b: versions must be strictly increasing');
        return true;
      },
    );
  });
  it('uses the single error as the message', () => {
    assert.throws(() => createEvaluator([check('x', 'baseline', [])]), {
      name: 'InvalidChecksError',
      message: 'check x: empty',
    });
  });
});
