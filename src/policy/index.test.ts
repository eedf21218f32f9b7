import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as root from '../index.ts';
import * as policy from './index.ts';
import type { CheckResult, PodEvaluation } from './index.ts';

describe('policy public API', () => {
  it('exports the names other layers code against, also from the package root', () => {
    const names = [
      'joinQuote',
      'pluralize',
      'goQuote',
      'compareCodePoints',
      'sortStrings',
      'setterPhrase',
      'forEachContainer',
      'defaultChecks',
      'newestPolicyVersion',
      'checksAt',
      'evaluatePod',
      'isPodAllowed',
      'createEvaluator',
      'defaultEvaluator',
      'minimumLevel',
      'checkCatalogue',
      'validateChecks',
      'InvalidChecksError',
    ];
    for (const name of names) {
      assert.ok(name in policy, `policy/index.ts exports ${name}`);
      assert.ok(name in root, `the package root exports ${name}`);
    }
    assert.equal(policy.defaultChecks.length, 19);
    assert.equal(policy.newestPolicyVersion.text, 'v1.37');
  });

  it('types: a denied result needs a reason and detail; evaluations are readonly', () => {
    const ok: CheckResult = { allowed: true };
    const denied: CheckResult = { allowed: false, reason: 'r', detail: '' };
    // @ts-expect-error the denied branch requires a reason
    const missing: CheckResult = { allowed: false, detail: '' };
    assert.ok(ok.allowed && !denied.allowed && !missing.allowed);
    const evaluation: PodEvaluation = policy.evaluatePod(
      { level: 'restricted', version: policy.newestPolicyVersion },
      {},
      {},
    );
    // Type-level only: never called.
    const mutate = (): void => {
      // @ts-expect-error results are readonly
      evaluation.results.push({ checkId: 'x', result: ok });
      // @ts-expect-error fields are readonly
      evaluation.allowed = false;
    };
    assert.equal(typeof mutate, 'function');
  });

  it('shares one frozen allowed result; results for allowed pods cannot be mutated', () => {
    assert.ok(Object.isFrozen(policy.ALLOWED));
    const evaluation = policy.evaluatePod({ level: 'baseline', version: policy.newestPolicyVersion }, {}, {});
    assert.ok(Object.isFrozen(evaluation.results));
    assert.ok(evaluation.results.every((r) => r.result === policy.ALLOWED));
  });
});
