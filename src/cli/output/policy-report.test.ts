import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { reportSchemaErrors } from '../../../test/policy-report/validate.ts';
import {
  buildPolicyReports,
  buildSplitReports,
  formatReportsJson,
  formatReportsYaml,
  formatReportYaml,
  jsonBytes,
  REPORT_MAX_BYTES,
  ReportApis,
  type ReportObject,
  type ReportResultInput,
} from './policy-report.ts';

const AT = new Date('2026-01-02T03:04:05.678Z');

const RESULTS: readonly ReportResultInput[] = [
  {
    namespace: 'shop',
    resource: { apiVersion: 'v1', kind: 'Pod', name: 'web-1', namespace: 'shop', uid: 'u-1' },
    policy: 'pod-security',
    rule: 'runAsNonRoot',
    result: 'fail',
    severity: 'medium',
    category: 'restricted',
    message: 'runAsNonRoot != true (pod or container "web" must set securityContext.runAsNonRoot=true)',
    properties: { level: 'restricted', version: 'latest', owner: 'Deployment/web' },
    timestamp: AT,
  },
  {
    namespace: 'shop',
    resource: { apiVersion: 'v1', kind: 'Pod', name: 'web-1', namespace: 'shop' },
    policy: 'pod-security',
    rule: 'privileged',
    result: 'pass',
    message: 'meets baseline',
    timestamp: AT,
  },
  {
    namespace: 'apps',
    policy: 'pod-security',
    rule: 'hostNamespaces',
    result: 'warn',
    severity: 'high',
    message: 'host namespaces',
    properties: {},
    timestamp: AT,
  },
  { policy: 'pod-security', rule: 'config', result: 'error', message: 'cluster-wide', timestamp: AT },
  { namespace: 'apps', policy: 'pod-security', rule: 'x', result: 'skip', message: 'exempt', timestamp: AT },
];

for (const api of [ReportApis.wgpolicy, ReportApis.openreports]) {
  test(`${api}: one report per namespace, summaries counted, valid against the CRD schema`, () => {
    const reports = buildPolicyReports(RESULTS, {
      api,
      name: 'psa-audit',
      labels: { 'app.kubernetes.io/managed-by': 'psa' },
    });
    const cluster = api === ReportApis.wgpolicy ? 'ClusterPolicyReport' : 'ClusterReport';
    const namespaced = api === ReportApis.wgpolicy ? 'PolicyReport' : 'Report';
    assert.deepEqual(
      reports.map((r) => [r.kind, r.metadata.namespace ?? '', r.summary]),
      [
        [cluster, '', { pass: 0, fail: 0, warn: 0, error: 1, skip: 0 }],
        [namespaced, 'apps', { pass: 0, fail: 0, warn: 1, error: 0, skip: 1 }],
        [namespaced, 'shop', { pass: 1, fail: 1, warn: 0, error: 0, skip: 0 }],
      ],
    );
    const shop = reports[2]!;
    assert.deepEqual(shop.results[0]!.timestamp, { seconds: 1767323045, nanos: 678_000_000 });
    assert.equal(shop.results[0]!.properties?.['owner'], 'Deployment/web');
    assert.equal(reports[1]!.results[0]!.properties, undefined, 'empty properties are left out');
    for (const report of reports)
      assert.deepEqual(reportSchemaErrors(report), [], `${report.kind} ${report.metadata.namespace ?? ''}`);
  });
}

test('the schema check catches what the API server would reject or prune', () => {
  const [report] = buildPolicyReports(RESULTS.slice(0, 1), { api: ReportApis.wgpolicy, name: 'r' });
  const broken = structuredClone(report) as unknown as { results: Record<string, unknown>[]; extra?: number };
  broken.results[0]!['result'] = 'failed';
  broken.results[0]!['severity'] = 'urgent';
  broken.extra = 1;
  const errors = reportSchemaErrors(broken);
  assert.equal(errors.length, 3, errors.join('\n'));
  const source = structuredClone(report) as unknown as Record<string, unknown>;
  source['source'] = 'psa';
  assert.equal(reportSchemaErrors(source).length, 1, 'wgpolicyk8s.io reports have no top-level source');
});

test('YAML stream and JSON List round-trip', () => {
  const reports = buildPolicyReports(RESULTS, { api: ReportApis.openreports, name: 'psa-audit' });
  const docs = parseAllDocuments(formatReportsYaml(reports)).map((d) => d.toJS() as ReportObject);
  assert.deepEqual(docs, JSON.parse(JSON.stringify(reports)));
  const list = JSON.parse(formatReportsJson(reports));
  assert.equal(list.kind, 'List');
  assert.deepEqual(list.items, docs);
});

test('formatReportYaml (the streaming emitter) reads back as the same objects', () => {
  const reports = buildPolicyReports(RESULTS, { api: ReportApis.wgpolicy, name: 'psa-audit' });
  const docs = parseAllDocuments(reports.map(formatReportYaml).join('')).map((d) => d.toJS() as ReportObject);
  assert.deepEqual(docs, JSON.parse(JSON.stringify(reports)));
});

test('jsonBytes counts what Go writes: <, > and & escaped as six bytes', () => {
  assert.equal(jsonBytes({ a: 'x' }), 9);
  assert.equal(jsonBytes({ a: '<&>' }), 9 + 2 + 3 * 5);
  assert.equal(jsonBytes('é'), 4);
});

test('buildSplitReports: a namespace over the budget is split into name, name-2, ...; summaries add up', () => {
  const pods = (namespace: string, n: number): ReportResultInput[] =>
    Array.from({ length: n }, (_, i) => ({
      namespace,
      resource: { apiVersion: 'v1', kind: 'Pod', name: `web-${i}`, namespace, uid: `uid-${i}` },
      policy: 'pod-security',
      rule: i % 3 === 0 ? 'runAsNonRoot' : 'restricted:latest',
      result: i % 3 === 0 ? 'fail' : 'pass',
      message: i % 3 === 0 ? 'runAsNonRoot != true (pod must set securityContext.runAsNonRoot=true)' : 'meets it',
      properties: { owner: 'Deployment/web' },
      timestamp: AT,
    }));
  const maxBytes = 4096;
  const input = [...pods('apps', 100), ...pods('shop', 3)];
  const reports = [...buildSplitReports(input, { api: ReportApis.wgpolicy, name: 'psa-audit', maxBytes })];
  const apps = reports.filter((r) => r.metadata.namespace === 'apps');
  assert.ok(apps.length > 5, `${apps.length} reports`);
  assert.deepEqual(
    reports.map((r) => r.metadata.name),
    [...apps.map((_, i) => (i === 0 ? 'psa-audit' : `psa-audit-${i + 1}`)), 'psa-audit'],
  );
  for (const report of reports) {
    assert.ok(jsonBytes(report) <= maxBytes, `${report.metadata.name}: ${jsonBytes(report)} bytes`);
    assert.ok(jsonBytes(report) > maxBytes / 2 || report === apps.at(-1) || report.metadata.namespace === 'shop');
    const counted = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
    for (const r of report.results) counted[r.result]++;
    assert.deepEqual(report.summary, counted);
    assert.deepEqual(reportSchemaErrors(report), []);
  }
  assert.deepEqual(
    apps.flatMap((r) => r.results.map((x) => x.resources?.[0]?.name)),
    input.filter((r) => r.namespace === 'apps').map((r) => r.resource?.name),
    'every result once, in order',
  );
  assert.equal(
    apps.reduce((n, r) => n + r.summary.fail, 0),
    34,
  );
  assert.equal(REPORT_MAX_BYTES, 196_608);
});

test('buildSplitReports: nothing in, nothing out; a namespace under the budget is one report', () => {
  assert.deepEqual([...buildSplitReports([], { api: ReportApis.wgpolicy, name: 'r' })], []);
  const split = [...buildSplitReports(RESULTS.slice(0, 2), { api: ReportApis.wgpolicy, name: 'r' })];
  assert.deepEqual(split, buildPolicyReports(RESULTS.slice(0, 2), { api: ReportApis.wgpolicy, name: 'r' }));
});
