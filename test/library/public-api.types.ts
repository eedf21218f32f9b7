/**
 * Type-level tests of the library API (checked by `tsc --noEmit`, see public-api.test.ts): exact types with `Equal`,
 * and misuse the compiler must refuse with `@ts-expect-error` (an unused directive is itself an error).
 */
import type { CheckResult, Level, LevelVersion, ObjectMeta, PodEvaluation, PodSpec } from 'kube-psa';
import { decodePod, evaluatePod, parseLevelVersion } from 'kube-psa';
import type { CheckReport, CheckManifestsOptions, FailOn, ModeReport, ObjectReport } from 'kube-psa/check';
import { checkExitCode, checkManifests, InvalidConfigurationError } from 'kube-psa/check';

// The idioms of type tests: a type parameter used once is the point of `Equal` and `expectType`.
/* eslint-disable @typescript-eslint/no-unnecessary-type-parameters, @typescript-eslint/no-unused-vars */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): void {}

// evaluatePod: (LevelVersion, ObjectMeta, PodSpec) => PodEvaluation.
expectType<Equal<Parameters<typeof evaluatePod>, [LevelVersion, ObjectMeta, PodSpec]>>();
expectType<Equal<ReturnType<typeof evaluatePod>, PodEvaluation>>();
expectType<Equal<Level, 'privileged' | 'baseline' | 'restricted'>>();
// @ts-expect-error a level is a LevelVersion, not a string
evaluatePod('restricted', {}, { containers: [] });

const parsed = parseLevelVersion('restricted:v1.30');
if (parsed.ok) {
  const pod = decodePod({});
  const evaluation = evaluatePod(parsed.value, pod.value.metadata, pod.value.spec);
  // @ts-expect-error evaluations are readonly
  evaluation.allowed = true;
  expectType<Equal<(typeof evaluation.violations)[number]['checkId'], string>>();
} else {
  expectType<Equal<typeof parsed.error, string>>();
}

// A denied check result needs its reason.
// @ts-expect-error the denied branch requires a reason
const denied: CheckResult = { allowed: false };

// checkManifests: (string, options?) => Promise<CheckReport>, the -o json document.
expectType<Equal<ReturnType<typeof checkManifests>, Promise<CheckReport>>>();
expectType<Equal<CheckReport['schema'], 'psa.check/v1'>>();
expectType<Equal<CheckReport['results'], readonly ObjectReport[]>>();
expectType<Equal<ObjectReport['enforce'], ModeReport | null>>();
expectType<Equal<ObjectReport['exempt'], 'namespace' | 'user' | 'runtimeClass' | null>>();
expectType<Equal<ObjectReport['category'], 'pod' | 'workload'>>();
expectType<Equal<FailOn, 'enforce' | 'warn' | 'audit'>>();
expectType<Equal<ReturnType<typeof checkExitCode>, 0 | 1 | 2>>();
expectType<Equal<InvalidConfigurationError['name'], 'InvalidConfigurationError'>>();

const options: CheckManifestsOptions = {
  file: 'a.yaml',
  config: { name: 'talos.yaml', text: '' },
  talosPatches: ['cluster: {}'],
  namespaceLabels: { shop: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
};
// @ts-expect-error namespace labels are strings
const badLabels: CheckManifestsOptions = { namespaceLabels: { shop: { enforce: 1 } } };
// @ts-expect-error exactOptionalPropertyTypes: leave a field out rather than set it to undefined
const undefinedFile: CheckManifestsOptions = { file: undefined };
const summary = (await checkManifests('')).summary;
// @ts-expect-error fail-on takes a mode, not a boolean
checkExitCode(summary, true);

export async function readsResults(): Promise<string[]> {
  const report = await checkManifests('');
  // @ts-expect-error results are readonly
  report.results.push(report.results[0]!);
  return report.results.filter((r) => r.refused).map((r) => r.refusal ?? '');
}

export { badLabels, denied, options, undefinedFile };
