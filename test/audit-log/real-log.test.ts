// `psa audit-log` over an audit log a real kube-apiserver wrote (fixtures/real, recorded by record-fixtures.ts): the
// report's counts must equal what the recorded requests did, as their clients saw it (status, refusal message,
// warnings; the namespaces warn at the level they audit), per namespace, owner, check and exemption. Plus golden files
// of the text and JSON output (UPDATE_GOLDEN=1 rewrites them; a golden file no case claims fails).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import type { CliIo } from '../../src/process-io.ts';
import { runCli } from '../../src/cli/run.ts';
import { parseAllDocuments } from 'yaml';
import type { AuditLogReport } from '../../src/cli/audit-log/report.ts';
import { reportSchemaErrors } from '../policy-report/validate.ts';

const root = resolve(import.meta.dirname, '..', '..');
const FIXTURES = 'test/audit-log/fixtures/real';
const GOLDEN = join(import.meta.dirname, 'golden');
const update = process.env['UPDATE_GOLDEN'] === '1';

interface Observed {
  readonly status: number;
  readonly message?: string;
  readonly warnings: readonly string[];
}

interface RecordedRequest {
  readonly title: string;
  readonly user: string;
  readonly spec?: string;
  readonly namespace: string;
  readonly owner: { readonly kind: string; readonly name: string };
  readonly exempt?: 'namespace' | 'user' | 'runtimeClass';
  readonly mirror?: boolean;
  readonly observed: Observed;
  readonly mirrorObserved?: Observed;
}

const requests = JSON.parse(readFileSync(join(root, FIXTURES, 'requests.json'), 'utf8')) as RecordedRequest[];

/** The reasons of a `... PodSecurity "level:version": reason (detail), reason (detail)` text, by regular expression. */
function reasons(text: string): string[] {
  const list = text.replace(/^.*?PodSecurity "[^"]*": /, '');
  // A reason starts the list or follows ", " after a closing parenthesis, and runs up to " (" or the next ", ".
  return [...list.matchAll(/(?:^|\), )([^(),]+?)(?= \(|, |$)/g)].map((m) => m[1]!);
}

interface Expected {
  auditViolations: number;
  refused: number;
  exempt: { namespace: number; user: number; runtimeClass: number };
  byCheck: Map<string, number>;
  refusedByCheck: Map<string, number>;
  users: Set<string>;
}

function expected(): Map<string, Expected & { owners: Map<string, Expected> }> {
  const namespaces = new Map<string, Expected & { owners: Map<string, Expected> }>();
  const blank = (): Expected => ({
    auditViolations: 0,
    refused: 0,
    exempt: { namespace: 0, user: 0, runtimeClass: 0 },
    byCheck: new Map(),
    refusedByCheck: new Map(),
    users: new Set(),
  });
  const add = (
    namespace: string,
    owner: string,
    user: string,
    observed: Observed,
    auditFrom: Observed,
    exempt?: RecordedRequest['exempt'],
  ): void => {
    let ns = namespaces.get(namespace);
    if (ns === undefined) namespaces.set(namespace, (ns = { ...blank(), owners: new Map() }));
    let o = ns.owners.get(owner);
    if (o === undefined) ns.owners.set(owner, (o = blank()));
    for (const target of [ns, o]) {
      target.users.add(user);
      if (exempt !== undefined) target.exempt[exempt]++;
      const refusal = observed.status === 403 && observed.message?.includes('violates PodSecurity') === true;
      if (refusal) {
        target.refused++;
        for (const r of reasons(observed.message ?? ''))
          target.refusedByCheck.set(r, (target.refusedByCheck.get(r) ?? 0) + 1);
      }
      // A refused request gets no warnings: its audit violations show in its mirror's warnings, or, where the namespace
      // audits at the level it enforces (payments), in the refusal itself.
      const audit =
        auditFrom.warnings.find((w) => w.startsWith('would violate PodSecurity')) ??
        (refusal && auditFrom === observed ? observed.message : undefined);
      if (audit !== undefined) {
        target.auditViolations++;
        for (const r of reasons(audit)) target.byCheck.set(r, (target.byCheck.get(r) ?? 0) + 1);
      }
    }
  };
  for (const r of requests) {
    add(r.namespace, `${r.owner.kind}/${r.owner.name}`, r.user, r.observed, r.mirrorObserved ?? r.observed, r.exempt);
    // The mirror dry run is a request of its own, in namespace `mirror`.
    if (r.mirrorObserved !== undefined) add('mirror', 'Pod/mirror', 'admin', r.mirrorObserved, r.mirrorObserved);
  }
  return namespaces;
}

function io(cwd: string): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    stdin: process.stdin,
    cwd,
    env: { NO_COLOR: '1' },
    out: () => out,
    err: () => err,
  };
}

async function run(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const cli = io(root);
  const code = await runCli(['audit-log', ...args], cli);
  return { code, out: cli.out(), err: cli.err() };
}

const BASE = ['-c', `${FIXTURES}/config.yaml`, `${FIXTURES}/audit.jsonl.gz`];

const sorted = (m: ReadonlyMap<string, number>): Record<string, number> =>
  Object.fromEntries([...m].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
const sortedRecord = (r: Readonly<Record<string, number>>): Record<string, number> =>
  sorted(new Map(Object.entries(r)));

describe('psa audit-log over a real kube-apiserver audit log', () => {
  it('counts what the requests did, per namespace, owner and check', async () => {
    const { code, out } = await run([...BASE, '-o', 'json']);
    assert.equal(code, 1, 'refusals in the window exit 1');
    const report = JSON.parse(out) as AuditLogReport;
    const want = expected();
    assert.deepEqual(report.namespaces.map((n) => n.name).sort(), [...want.keys()].sort());
    for (const ns of report.namespaces) {
      const w = want.get(ns.name)!;
      const what = `namespace ${ns.name}`;
      assert.equal(ns.auditViolations, w.auditViolations, `${what}: audit violations`);
      assert.equal(ns.refused, w.refused, `${what}: refused`);
      assert.deepEqual(ns.exempt, w.exempt, `${what}: exempt`);
      assert.deepEqual(sortedRecord(ns.byCheck), sorted(w.byCheck), `${what}: byCheck`);
      assert.deepEqual(sortedRecord(ns.refusedByCheck), sorted(w.refusedByCheck), `${what}: refusedByCheck`);
      assert.deepEqual(
        ns.owners.map((o) => `${o.kind}/${o.name}`).sort(),
        [...w.owners.keys()].sort(),
        `${what}: owners`,
      );
      for (const o of ns.owners) {
        const wo = w.owners.get(`${o.kind}/${o.name}`)!;
        const who = `${what}, ${o.kind}/${o.name}`;
        assert.equal(o.auditViolations, wo.auditViolations, `${who}: audit violations`);
        assert.equal(o.refused, wo.refused, `${who}: refused`);
        assert.deepEqual(o.exempt, wo.exempt, `${who}: exempt`);
        assert.deepEqual(sortedRecord(o.byCheck), sorted(wo.byCheck), `${who}: byCheck`);
        assert.deepEqual(sortedRecord(o.refusedByCheck), sorted(wo.refusedByCheck), `${who}: refusedByCheck`);
        assert.deepEqual([...o.users].sort(), [...wo.users].sort(), `${who}: users`);
      }
    }
    const totalRequests = requests.length + requests.filter((r) => r.mirrorObserved !== undefined).length;
    assert.equal(report.events.podSecurity, totalRequests, 'one Pod Security event per request, whatever the stages');
    assert.equal(report.events.badLines, 0);
    assert.ok(report.events.read > totalRequests);
  });

  it('reports each exemption: uses, users, never-used ones, and what removing it would refuse', async () => {
    const report = JSON.parse((await run([...BASE, '-o', 'json'])).out) as AuditLogReport;
    const exemptValue = (r: RecordedRequest): string =>
      r.exempt === 'namespace' ? r.namespace : r.exempt === 'user' ? r.user : 'exempt-class';
    for (const e of report.exemptions) {
      const hits = requests.filter((r) => r.exempt === e.kind && exemptValue(r) === e.value);
      assert.equal(e.used, hits.length, `${e.kind} ${e.value}: used`);
      assert.deepEqual(
        [...e.users].sort(),
        [...new Set(hits.map((r) => r.user))].sort(),
        `${e.kind} ${e.value}: users`,
      );
      assert.equal(e.removalCandidate, hits.length === 0, `${e.kind} ${e.value}: removal candidate`);
      assert.ok(e.configured, `${e.kind} ${e.value} is configured`);
    }
    assert.deepEqual(
      report.exemptions.filter((e) => e.removalCandidate).map((e) => `${e.kind}:${e.value}`),
      ['namespace:sandbox', 'user:ci-bot', 'runtimeClass:kata'],
    );
    // Removing an exemption refuses what the same server refused for the same spec at the same level: in `shop`
    // (the configuration's default, enforce baseline) the privileged spec was refused and the plain one admitted.
    const privileged = requests.find(
      (r) => r.namespace === 'shop' && r.spec === 'privileged' && r.observed.status === 403,
    )!;
    const serverChecks = reasons(privileged.observed.message!);
    for (const e of report.exemptions) {
      const loggedWithPod = requests.filter(
        (r) =>
          r.exempt === e.kind && exemptValue(r) === e.value && ['shop', 'payments', 'monitoring'].includes(r.namespace), // the audit policy logs pods there at level Request
      );
      const refusedSpecs = loggedWithPod.filter((r) => r.spec === 'privileged');
      assert.equal(e.ifRemoved.wouldBeRefused, refusedSpecs.length, `${e.kind} ${e.value}: would be refused`);
      assert.equal(
        e.ifRemoved.wouldBeAllowed,
        loggedWithPod.length - refusedSpecs.length,
        `${e.kind} ${e.value}: allowed`,
      );
      assert.equal(e.ifRemoved.notReevaluated, e.used - loggedWithPod.length, `${e.kind} ${e.value}: not re-evaluated`);
      for (const refusal of e.ifRemoved.refusals) {
        assert.equal(refusal.level, 'baseline:latest');
        assert.deepEqual(refusal.checks, serverChecks, `${e.kind} ${e.value}: checks`);
      }
    }
  });

  it('keeps to --since/--until', async () => {
    const all = JSON.parse((await run([...BASE, '-o', 'json'])).out) as AuditLogReport;
    const shop = all.namespaces.find((n) => n.name === 'shop')!;
    const after = JSON.parse((await run([...BASE, '-o', 'json', '--since', shop.lastSeen])).out) as AuditLogReport;
    assert.equal(
      after.namespaces.find((n) => n.name === 'shop')?.events,
      1,
      'only the last shop event is at or after its time',
    );
    assert.equal(after.events.podSecurity + after.events.outsideWindow, all.events.podSecurity);
    const none = JSON.parse((await run([...BASE, '-o', 'json', '--until', '2000-01-01'])).out) as AuditLogReport;
    assert.equal(none.events.podSecurity, 0);
    assert.equal(none.window.until, '2000-01-01T00:00:00.000Z');
    assert.ok(none.exemptions.filter((e) => e.configured).every((e) => e.removalCandidate));
  });

  const goldens: readonly (readonly [string, readonly string[]])[] = [
    ['real-text.txt', BASE],
    ['real-json.json', [...BASE, '-o', 'json']],
    ['real-policyreport.yaml', [...BASE, '-o', 'policyreport']],
    ['real-openreports.yaml', [...BASE, '-o', 'policyreport', '--report-api', 'openreports']],
  ];
  for (const [name, args] of goldens)
    it(`matches golden/${name}`, async () => {
      const { out } = await run(args);
      const file = join(GOLDEN, name);
      if (update) writeFileSync(file, out);
      assert.equal(out, readFileSync(file, 'utf8'));
    });

  for (const api of ['wgpolicy', 'openreports'])
    it(`writes ${api} reports that match the CRD schemas`, async () => {
      const { out } = await run([...BASE, '-o', 'policyreport', '--report-api', api]);
      const reports = parseAllDocuments(out).map((d) => d.toJS() as { kind: string; metadata: { namespace?: string } });
      assert.ok(reports.length >= 6, 'one report per namespace and a cluster-scoped one');
      for (const report of reports)
        assert.deepEqual(reportSchemaErrors(report), [], `${report.kind} ${report.metadata.namespace ?? ''}`);
    });

  it('has no unclaimed golden files', () => {
    const claimed = new Set(goldens.map(([name]) => name));
    assert.deepEqual(
      readdirSync(GOLDEN).filter((f) => !claimed.has(f)),
      [],
    );
  });
});
