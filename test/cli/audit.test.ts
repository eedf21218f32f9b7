// psa audit over a dump of a small cluster (test/cli/audit-inputs/cluster.yaml): every output golden-tested, the
// PolicyReports validated against the CRD schemas, exit codes and usage errors.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { reportSchemaErrors } from '../policy-report/validate.ts';
import { Readable } from 'node:stream';
import { runCli } from '../../src/cli/run.ts';
import type { CliIo } from '../../src/process-io.ts';
import { goldens, psa, ROOT } from './helpers.ts';

const golden = goldens('audit');
after(() => golden.assertAllClaimed());

const DUMP = 'test/cli/audit-inputs/cluster.yaml';
const ENV = { SOURCE_DATE_EPOCH: '1767225600' };

describe('psa audit --from', () => {
  it('text: the table, per-namespace details and the plan', async () => {
    const r = await psa(['audit', '--from', DUMP, '--plan-level', 'restricted'], { env: ENV });
    assert.equal(r.stderr, '');
    assert.equal(r.code, 1, 'apps and legacy run pods their current labels refuse');
    golden.check('cluster.txt', r.stdout);
  });

  it('json: the contract fields, with --version', async () => {
    const r = await psa(['audit', '--from', DUMP, '-o', 'json', '--version', 'v1.24'], { env: ENV });
    assert.equal(r.code, 1);
    golden.check('cluster.json', r.stdout);
    const report = JSON.parse(r.stdout);
    const shop = report.namespaces.find((ns: { name: string }) => ns.name === 'shop');
    assert.deepEqual(shop.current, {
      enforce: 'baseline:latest',
      warn: 'restricted:latest',
      audit: 'restricted:latest',
    });
    assert.equal(shop.pods, 3);
    assert.equal(shop.strictestLevel, 'baseline');
    assert.deepEqual(shop.levels.baseline, {
      refused: 0,
      reasons: {},
      checks: {},
      checkReasons: {},
      examples: {},
      owners: [],
      warnings: [],
    });
    assert.equal(shop.levels.restricted.refused, 2);
    assert.equal(shop.levels.restricted.reasons['runAsNonRoot != true'], 2);
    assert.deepEqual(
      shop.levels.restricted.owners.map((o: { kind: string; name: string; pods: number }) => [o.kind, o.name, o.pods]),
      [['Deployment', 'web', 2]],
    );
    assert.deepEqual(shop.recommended, {
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
    const kubeSystem = report.namespaces.find((ns: { name: string }) => ns.name === 'kube-system');
    assert.equal(kubeSystem.exempt, true);
    assert.equal(kubeSystem.levels.baseline.refused, 1, 'exempt namespaces still count their pods');
    assert.equal(kubeSystem.refusedAtCurrent, 0);
    assert.deepEqual(report.summary, {
      namespaces: 6,
      pods: 12,
      refusedAtCurrentLabels: 2,
      exemptNamespaces: 1,
      strictestLevels: { privileged: 4, baseline: 1, restricted: 1 },
      refusedAt: { privileged: 0, baseline: 6, restricted: 9 },
    });
    assert.equal(report.complete, true);
    assert.ok(shop.versions['v1.24'].restricted.refused >= 0);
  });

  interface Result {
    rule: string;
    result: string;
    severity?: string;
    message: string;
    resources?: { apiVersion: string; kind: string; name: string; namespace: string; uid?: string }[];
    properties?: Record<string, string>;
  }
  interface Report {
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    summary: Record<string, number>;
    results: Result[];
  }

  for (const api of ['wgpolicyk8s.io/v1alpha2', 'openreports.io/v1alpha1']) {
    const short = api.split('/')[0]!.split('.')[0]!;
    it(`policyreport (${api}): results per pod, valid against the CRD schema`, async () => {
      const r = await psa(['audit', '--from', DUMP, '-o', 'policyreport', '--report-api', api], { env: ENV });
      assert.equal(r.code, 1);
      assert.equal(r.stderr, '');
      golden.check(`cluster.${short}.yaml`, r.stdout);
      const reports = parseAllDocuments(r.stdout).map((d) => d.toJS() as Report);
      assert.deepEqual(
        reports.map((x) => `${x.metadata.namespace}/${x.metadata.name}`),
        [
          'apps/psa-audit',
          'kube-system/psa-audit',
          'legacy/psa-audit',
          'monitoring/psa-audit',
          'secure/psa-audit',
          'shop/psa-audit',
        ],
      );
      for (const report of reports) {
        assert.deepEqual(reportSchemaErrors(report), [], report.metadata.namespace);
        assert.deepEqual(report.metadata.labels, { 'app.kubernetes.io/managed-by': 'psa' });
        const counted: Record<string, number> = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
        for (const result of report.results) {
          counted[result.result]!++;
          const [pod, ...more] = result.resources ?? [];
          assert.equal(more.length, 0);
          assert.equal(pod?.kind, 'Pod');
          assert.equal(pod?.apiVersion, 'v1');
          assert.equal(pod?.namespace, report.metadata.namespace);
          assert.equal(pod?.uid, `uid-pod-${report.metadata.namespace}-${pod?.name}`, 'the dump gives uids');
          assert.ok(result.properties?.['owner'] !== undefined, 'the top owner, for grouping');
        }
        assert.deepEqual(report.summary, counted, `${report.metadata.namespace}: the summary counts the results`);
      }
      const byNamespace = (ns: string): Report => reports.find((x) => x.metadata.namespace === ns)!;
      const rows = (ns: string, result: string): string[] =>
        byNamespace(ns)
          .results.filter((x) => x.result === result)
          .map((x) => `${x.resources![0]!.name} ${x.rule}`);
      // legacy is enforce=baseline (warn/audit restricted by default): its privileged pod fails, and warns for the
      // restricted checks it also breaks.
      assert.deepEqual(rows('legacy', 'fail'), ['old-agent privileged']);
      assert.deepEqual(rows('legacy', 'warn'), [
        'old-agent allowPrivilegeEscalation',
        'old-agent capabilities_restricted',
        'old-agent runAsNonRoot',
        'old-agent seccompProfile_restricted',
      ]);
      // shop (enforce baseline, warn restricted): the Deployment's pods warn; db-0 meets restricted and passes once.
      assert.deepEqual(rows('shop', 'fail'), []);
      assert.deepEqual(rows('shop', 'pass'), ['db-0 restricted:latest']);
      const shopWarn = byNamespace('shop').results.filter((x) => x.result === 'warn');
      assert.deepEqual(new Set(shopWarn.map((x) => x.properties!['owner'])), new Set(['Deployment/web']));
      assert.ok(shopWarn.every((x) => x.severity === 'medium' && x.properties!['mode'] === 'warn, audit'));
      // kube-system is exempt: one skip per pod.
      const kubeSystem = byNamespace('kube-system');
      assert.deepEqual(kubeSystem.summary, { pass: 0, fail: 0, warn: 0, error: 0, skip: 1 });
      assert.equal(kubeSystem.results[0]!.rule, 'exempt');
      // No pod has a pass besides a fail or warn.
      for (const report of reports) {
        const flagged = new Set(report.results.filter((x) => x.result !== 'pass').map((x) => x.resources![0]!.name));
        for (const pass of report.results.filter((x) => x.result === 'pass'))
          assert.equal(flagged.has(pass.resources![0]!.name), false, pass.resources![0]!.name);
      }
    });

    it(`policyreport --report-granularity owner (${api}): results per owner and check`, async () => {
      const r = await psa(
        ['audit', '--from', DUMP, '-o', 'policyreport', '--report-api', api, '--report-granularity', 'owner'],
        { env: ENV },
      );
      assert.equal(r.code, 1);
      golden.check(`cluster.owner.${short}.yaml`, r.stdout);
      const reports = parseAllDocuments(r.stdout).map((d) => d.toJS());
      assert.deepEqual(
        reports.map((x) => x.metadata.namespace),
        ['apps', 'kube-system', 'legacy', 'monitoring', 'secure', 'shop'],
      );
      for (const report of reports) assert.deepEqual(reportSchemaErrors(report), [], report.metadata.namespace);
      const legacy = reports.find((x) => x.metadata.namespace === 'legacy');
      assert.deepEqual(
        legacy.results.filter((x: { result: string }) => x.result === 'fail').map((x: { rule: string }) => x.rule),
        ['privileged'],
      );
      const kubeSystem = reports.find((x) => x.metadata.namespace === 'kube-system');
      assert.deepEqual(kubeSystem.summary, { pass: 0, fail: 0, warn: 0, error: 0, skip: 1 });
    });
  }

  it('html: one self-contained file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'psa-audit-'));
    try {
      const file = join(dir, 'report.html');
      const r = await psa(['audit', '--from', DUMP, '-o', 'html', file, '--plan-level', 'baseline'], { env: ENV });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      const page = readFileSync(file, 'utf8');
      golden.check('cluster.html', page);
      assert.equal(/(src|href)="https?:/.test(page), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('-n, --selector and --fail-on narrow the audit and the exit code', async () => {
    const shop = await psa(['audit', '--from', DUMP, '-n', 'shop', '-o', 'json'], { env: ENV });
    assert.equal(shop.code, 0, 'nothing in shop is refused at its labels');
    assert.deepEqual(
      JSON.parse(shop.stdout).namespaces.map((ns: { name: string }) => ns.name),
      ['shop'],
    );
    const restricted = await psa(['audit', '--from', DUMP, '-n', 'shop', '--fail-on', 'restricted', '-o', 'json']);
    assert.equal(restricted.code, 1);
    const selected = await psa(['audit', '--from', DUMP, '-l', 'tier in (api)', '-o', 'json']);
    assert.equal(JSON.parse(selected.stdout).summary.pods, 1);
    assert.equal((await psa(['audit', '--from', DUMP, '--fail-on', 'none'])).code, 0);
  });

  it('bad input is reported with file and position; the rest is still audited, marked incomplete, exit 2', async () => {
    const broken = `${readFileSync(DUMP, 'utf8')}---\napiVersion: v1\nkind: Pod\nmetadata: {name: bad, namespace: apps}\nspec: {containers: 3}\n`;
    const r = await psa(['audit', '--from', '-', '-o', 'json'], { stdin: broken, env: ENV });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /error: -:\d+:\d+: .*containers/);
    const report = JSON.parse(r.stdout);
    assert.equal(report.complete, false);
    assert.equal(report.summary.pods, 12);
  });

  it('draws a progress line on stderr only when it is a terminal, and erases it', async () => {
    let stderr = '';
    const io: CliIo = {
      stdout: { write: () => true },
      stderr: { write: (text: string) => (stderr += text), isTTY: true },
      stdin: Readable.from([]),
      cwd: ROOT,
      env: ENV,
    };
    assert.equal(await runCli(['audit', '--from', DUMP], io), 1);
    const erase = '\r\u001b[K';
    assert.ok(
      stderr.startsWith(`${erase}psa audit: reading namespaces: 1 pages, 6 namespaces, 0 pods`),
      JSON.stringify(stderr),
    );
    assert.ok(stderr.endsWith(erase), JSON.stringify(stderr));
    const quiet = await psa(['audit', '--from', DUMP]);
    assert.equal(quiet.stderr, '', 'silent when stderr is not a terminal');
  });

  it('usage errors', async () => {
    for (const [args, message] of [
      [['-o', 'html'], /-o html needs a file/],
      [['--page-size', '0'], /invalid --page-size/],
      [['--plan-level', 'strict'], /invalid --plan-level/],
      [['-l', 'a=(b'], /invalid label selector/],
      [['--from', DUMP, '--kubeconfig', 'k'], /cannot be combined/],
      [
        ['--from', DUMP, '-o', 'policyreport', '--report-granularity', 'pods'],
        /invalid value "pods" for --report-granularity: must be one of pod, owner \(did you mean "pod"\?\)/,
      ],
    ] as const) {
      const r = await psa(['audit', ...args]);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, message);
    }
  });
});
