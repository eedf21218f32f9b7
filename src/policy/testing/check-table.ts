/**
 * Table-driven test support for checks (test-only; excluded from the build). A case runs against the variant active
 * at each listed version, or against every variant when no versions are given, and compares reason and detail
 * strings exactly.
 */
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- test support, never part of the engine build
import assert from 'node:assert/strict';
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- test support, never part of the engine build
import { describe, it } from 'node:test';
import type { ObjectMeta, PodSpec } from '../../k8s/pod.ts';
import type { Check, CheckFn, CheckResult } from '../types.ts';

export interface CheckCase {
  readonly name: string;
  /** Minor versions (v1.N) to run at; default: the first version of every variant. */
  readonly versions?: readonly number[];
  readonly metadata?: ObjectMeta;
  readonly spec: PodSpec;
  /** `'allowed'`, or the exact `[reason, detail]` expected. */
  readonly expect: 'allowed' | readonly [reason: string, detail: string];
}

/** The evaluation function of the variant of `check` active at v1.`minor` (throws when the check is absent). */
export function variantAt(check: Check, minor: number): CheckFn {
  let fn: CheckFn | undefined;
  for (const variant of check.versions) if (variant.minimumVersion.minor <= minor) fn = variant.evaluate;
  if (fn === undefined) throw new Error(`${check.id} is absent at v1.${minor}`);
  return fn;
}

/** Runs `check` at v1.`minor`. */
export function runCheck(check: Check, minor: number, spec: PodSpec, metadata: ObjectMeta = {}): CheckResult {
  return variantAt(check, minor)(metadata, spec);
}

function simplify(result: CheckResult): 'allowed' | readonly [string, string] {
  return result.allowed ? 'allowed' : [result.reason, result.detail];
}

/** Registers one `node:test` test per case and version. */
export function describeCheckCases(check: Check, cases: readonly CheckCase[]): void {
  void describe(`${check.id} cases`, () => {
    for (const c of cases) {
      const versions = c.versions ?? check.versions.map((v) => v.minimumVersion.minor);
      for (const minor of versions) {
        void it(`${c.name} @v1.${minor}`, () => {
          assert.deepEqual(simplify(runCheck(check, minor, c.spec, c.metadata)), c.expect);
        });
      }
    }
  });
}
