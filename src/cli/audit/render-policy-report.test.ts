// Per-pod policy report results checked against the evaluator pod by pod (every check fixture), exemptions, a
// pinned enforce version, and a namespace of 20,000 pods split into reports that each fit `kubectl apply`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AdmissionSettings } from '../../admission/index.ts';
import { LATEST, parseVersion } from '../../api/index.ts';
import { decodePod, type ObjectMeta, type PodSpec } from '../../k8s/index.ts';
import { defaultEvaluator } from '../../policy/index.ts';
import { CHECK_FIXTURES } from '../../../test/fixtures/cases.ts';
import { manyPodsDump, podKind, podName } from '../../../test/policy-report/many-pods.ts';
import { reportSchemaErrors } from '../../../test/policy-report/validate.ts';
import { jsonBytes, REPORT_MAX_BYTES, ReportApis, type ReportObject } from '../output/policy-report.ts';
import { AuditAggregator } from './aggregate.ts';
import { OwnerIndex } from './owners.ts';
import { auditPolicyReports } from './render-policy-report.ts';
import { buildReport } from './report.ts';

const SETTINGS: AdmissionSettings = {
  defaults: {
    enforce: { level: 'baseline', version: LATEST },
    warn: { level: 'restricted', version: LATEST },
    audit: { level: 'restricted', version: LATEST },
  },
  exemptions: { usernames: [], namespaces: ['kube-system'], runtimeClasses: ['kata'] },
};
const P = 'pod-security.kubernetes.io/';

interface Pod {
  readonly metadata: ObjectMeta;
  readonly spec: PodSpec;
}

function decoded(raw: unknown): Pod {
  const pod = decodePod(raw);
  assert.deepEqual(pod.issues, []);
  return { metadata: pod.value.metadata, spec: pod.value.spec };
}

/** Every pass and fail fixture of every check at the newest version, with unique names and uids. */
function corpus(): Pod[] {
  const pods: Pod[] = [];
  for (const fixtures of CHECK_FIXTURES) {
    const built = fixtures.build({ level: fixtures.level, minor: 37 });
    for (const raw of [...built.pass, ...built.fail]) {
      const name = `${fixtures.checkId.toLowerCase()}-${pods.length}`;
      pods.push(decoded({ ...raw, metadata: { ...raw.metadata, name, uid: `uid-${name}` } }));
    }
  }
  return pods;
}

function reportsFor(
  namespaces: readonly { name: string; labels: Record<string, string>; pods: readonly Pod[] }[],
  maxBytes?: number,
): ReportObject[] {
  const aggregator = new AuditAggregator({ settings: SETTINGS, owners: new OwnerIndex(), keepPods: true });
  for (const ns of namespaces) aggregator.addNamespace(ns.name, ns.labels);
  for (const ns of namespaces) for (const pod of ns.pods) aggregator.addPod(ns.name, pod.metadata, pod.spec);
  const report = buildReport({
    source: 'test',
    configuration: 'test',
    generatedAt: new Date('2026-01-01T00:00:00Z'),
    namespaces: aggregator.results(),
    document: undefined,
    planLevel: undefined,
    errors: [],
  });
  return [
    ...auditPolicyReports(report, {
      api: ReportApis.wgpolicy,
      granularity: 'pod',
      pods: aggregator.podRecords(),
      ...(maxBytes === undefined ? {} : { maxBytes }),
    }),
  ];
}

/** `pod rule` per result of the given status, over all reports. */
function rows(reports: readonly ReportObject[], result: string): string[] {
  return reports.flatMap((r) =>
    r.results.filter((x) => x.result === result).map((x) => `${x.resources?.[0]?.name ?? ''} ${x.rule}`),
  );
}

describe('per-pod policy report results', () => {
  const pods = corpus();

  it('fail is exactly what enforce refuses, warn what only the stricter level flags, pass once per clean pod', () => {
    const pinned = parseVersion('v1.22');
    assert.ok(pinned.ok);
    for (const [labels, enforceVersion] of [
      [{}, LATEST],
      [{ [`${P}enforce`]: 'baseline', [`${P}enforce-version`]: 'v1.22', [`${P}warn`]: 'restricted' }, pinned.value],
      [{ [`${P}enforce`]: 'restricted', [`${P}warn`]: 'baseline', [`${P}audit`]: 'baseline' }, LATEST],
    ] as const) {
      const reports = reportsFor([{ name: 'apps', labels, pods }]);
      const enforceLevel = labels[`${P}enforce`] ?? 'baseline';
      const flagging = enforceLevel === 'baseline';
      const expected = { fail: [] as string[], warn: [] as string[], pass: [] as string[] };
      for (const pod of [...pods].sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1))) {
        const name = pod.metadata.name!;
        const enforce = defaultEvaluator.evaluatePod(
          { level: enforceLevel, version: enforceVersion },
          pod.metadata,
          pod.spec,
        ).violations;
        const flag = flagging
          ? defaultEvaluator.evaluatePod({ level: 'restricted', version: LATEST }, pod.metadata, pod.spec).violations
          : [];
        const failed = new Set(enforce.map((v) => v.checkId));
        const warned = flag.filter((v) => !failed.has(v.checkId));
        expected.fail.push(...enforce.map((v) => `${name} ${v.checkId}`));
        expected.warn.push(...warned.map((v) => `${name} ${v.checkId}`));
        if (enforce.length === 0 && warned.length === 0)
          expected.pass.push(`${name} ${flagging ? 'restricted:latest' : `${enforceLevel}:latest`}`);
      }
      assert.ok(expected.fail.length > 10 && expected.pass.length > 10);
      const label = JSON.stringify(labels);
      assert.deepEqual(rows(reports, 'fail'), expected.fail, label);
      assert.deepEqual(rows(reports, 'warn'), expected.warn, label);
      assert.deepEqual(rows(reports, 'pass'), expected.pass, label);
      for (const report of reports) assert.deepEqual(reportSchemaErrors(report), []);
    }
  });

  it('messages carry the reason and detail; properties the mode, level and top owner; the uid names the pod', () => {
    const owned = decoded({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-7d9f8c6b5-abcde',
        uid: 'uid-web',
        labels: { 'pod-template-hash': '7d9f8c6b5' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f8c6b5', controller: true }],
      },
      spec: { hostNetwork: true, containers: [{ name: 'c', image: 'i' }] },
    });
    const [report] = reportsFor([{ name: 'apps', labels: {}, pods: [owned] }]);
    const fail = report!.results.find((x) => x.result === 'fail')!;
    assert.deepEqual(fail.resources, [
      { apiVersion: 'v1', kind: 'Pod', name: 'web-7d9f8c6b5-abcde', namespace: 'apps', uid: 'uid-web' },
    ]);
    assert.equal(fail.rule, 'hostNamespaces');
    assert.equal(fail.message, 'host namespaces (hostNetwork=true)');
    assert.equal(fail.severity, 'high');
    assert.deepEqual(fail.properties, { mode: 'enforce', level: 'baseline:latest', owner: 'Deployment/web' });
    const warn = report!.results.find((x) => x.result === 'warn')!;
    assert.equal(warn.severity, 'medium');
    assert.deepEqual(warn.properties, { mode: 'warn, audit', level: 'restricted:latest', owner: 'Deployment/web' });
  });

  it('skip for every pod of an exempt namespace and of an exempt runtime class', () => {
    const kata = decoded({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'sandboxed' },
      spec: { runtimeClassName: 'kata', hostPID: true, containers: [{ name: 'c', image: 'i' }] },
    });
    const reports = reportsFor([
      { name: 'apps', labels: {}, pods: [kata, ...pods.slice(0, 3)] },
      { name: 'kube-system', labels: {}, pods: pods.slice(0, 5) },
    ]);
    const apps = reports.find((r) => r.metadata.namespace === 'apps')!;
    const skipped = apps.results.filter((x) => x.result === 'skip');
    assert.deepEqual(
      skipped.map((x) => [x.resources?.[0]?.name, x.rule, x.message, x.properties?.['runtimeClass']]),
      [['sandboxed', 'exempt', 'runtime class kata is exempt from Pod Security by the cluster configuration', 'kata']],
    );
    assert.equal(skipped[0]!.resources?.[0]?.uid, undefined, 'no uid in the source: none in the report');
    const system = reports.find((r) => r.metadata.namespace === 'kube-system')!;
    assert.deepEqual(system.summary, { pass: 0, fail: 0, warn: 0, error: 0, skip: 5 });
  });

  it('20,000 pods in one namespace: split into reports that each fit kubectl apply, adding up to every result', () => {
    const dump = JSON.parse(manyPodsDump('big', 20_000)) as { items: { kind: string; metadata: ObjectMeta }[] };
    const [namespace, ...items] = dump.items;
    const big = items.map(decoded);
    const reports = reportsFor([{ name: 'big', labels: namespace!.metadata.labels ?? {}, pods: big }]);
    assert.ok(reports.length > 100, `${reports.length} reports`);
    assert.deepEqual(
      reports.map((r) => r.metadata.name),
      reports.map((_, i) => (i === 0 ? 'psa-audit' : `psa-audit-${i + 1}`)),
    );
    const total = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
    for (const report of reports) {
      const size = jsonBytes(report);
      assert.ok(size <= REPORT_MAX_BYTES, `${report.metadata.name}: ${size} bytes`);
      assert.deepEqual(report.metadata.labels, { 'app.kubernetes.io/managed-by': 'psa' });
      for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += report.summary[key];
    }
    assert.deepEqual(reportSchemaErrors(reports[0]), []);
    // Of every ten pods: six hardened (one pass), three plain (four restricted warnings), one privileged (three
    // baseline failures, five restricted warnings).
    assert.deepEqual(total, { pass: 12_000, fail: 6_000, warn: 34_000, error: 0, skip: 0 });
    const seen = new Map<string, number>();
    for (const report of reports)
      for (const result of report.results) {
        const name = result.resources?.[0]?.name ?? '';
        seen.set(name, (seen.get(name) ?? 0) + 1);
      }
    assert.equal(seen.size, 20_000);
    const perKind = { hardened: 1, plain: 4, privileged: 8 };
    for (let i = 0; i < 20_000; i += 997) assert.equal(seen.get(podName(i)), perKind[podKind(i)], podName(i));
  });
});
