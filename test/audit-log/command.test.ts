// `psa audit-log` as a command: standard input, evaluation errors and psa's webhook keys, exemptions the configuration
// does not list, exit codes and usage errors.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { runCli } from '../../src/cli/run.ts';
import type { AuditLogReport } from '../../src/cli/audit-log/report.ts';
import type { CliIo } from '../../src/process-io.ts';

const root = resolve(import.meta.dirname, '..', '..');

async function run(args: readonly string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    stdin: Readable.from([Buffer.from(stdin)]),
    cwd: root,
    env: { NO_COLOR: '1' },
  };
  const code = await runCli(['audit-log', ...args], io);
  return { code, out, err };
}

function event(namespace: string, name: string, user: string, annotations: Record<string, string>, code = 201): string {
  return `${JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    stage: 'ResponseComplete',
    verb: 'create',
    user: { username: user },
    objectRef: { resource: 'pods', namespace, name },
    responseStatus: { code },
    stageTimestamp: '2026-12-04T10:00:00.000000Z',
    annotations,
  })}\n`;
}

const AUDIT =
  'would violate PodSecurity "restricted:latest": runAsNonRoot != true (pod or container "a" must set securityContext.runAsNonRoot=true)';

describe('psa audit-log', () => {
  it('reads standard input, counts evaluation errors and reads psa webhook annotations', async () => {
    const log =
      event('broken', 'p', 'admin', {
        'pod-security.kubernetes.io/error': 'Failed to parse policy: invalid level "bogus"',
        'pod-security.kubernetes.io/enforce-policy': 'privileged:latest',
      }) +
      event('web', 'q', 'admin', {
        'psa.kube-psa.io/audit-violations': AUDIT,
        'psa.kube-psa.io/enforce-policy': 'baseline:latest',
      }) +
      event('other', 'r', 'bob', { 'pod-security.kubernetes.io/exempt': 'user' });
    const { code, out } = await run(['-o', 'json', '-'], log);
    assert.equal(code, 0);
    const report = JSON.parse(out) as AuditLogReport;
    assert.deepEqual(
      report.namespaces.map((n) => [n.name, n.errors, n.auditViolations, n.exempt.user]),
      [
        ['broken', 1, 0, 0],
        ['other', 0, 0, 1],
        ['web', 0, 1, 0],
      ],
    );
    // Talos' default exempts kube-system only: bob's exemption is in the log but not in the configuration.
    assert.deepEqual(
      report.exemptions.map((e) => [e.kind, e.value, e.configured, e.used, e.removalCandidate]),
      [
        ['namespace', 'kube-system', true, 0, true],
        ['user', 'bob', false, 1, false],
      ],
    );
  });

  it('exits 1 on audit violations with --fail-on audit, 0 with never', async () => {
    const log = event('web', 'q', 'admin', { 'pod-security.kubernetes.io/audit-violations': AUDIT });
    assert.equal((await run(['-'], log)).code, 0);
    assert.equal((await run(['--fail-on', 'audit', '-'], log)).code, 1);
    assert.equal((await run(['--fail-on', 'never', '-'], log)).code, 0);
  });

  it('reads the other files and exits 2 when one cannot be read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'psa-audit-log-cmd-'));
    try {
      const file = join(dir, 'audit.log');
      writeFileSync(file, event('web', 'q', 'admin', { 'pod-security.kubernetes.io/audit-violations': AUDIT }));
      const { code, out, err } = await run(['-o', 'json', join(dir, 'missing.log'), file]);
      assert.equal(code, 2);
      assert.match(err, /missing\.log: no such file/);
      assert.equal((JSON.parse(out) as AuditLogReport).events.podSecurity, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const usage: readonly [readonly string[], RegExp][] = [
    [[], /name at least one audit log/],
    [['--since', 'yesterday', '-'], /invalid value "yesterday" for --since/],
    [['--since', '2026-12-05', '--until', '2026-12-04', '-'], /--since .* is after --until/],
    [['-o', 'yaml', '-'], /invalid value "yaml" for --output/],
    [['--bogus', '-'], /unknown flag --bogus/],
  ];
  for (const [args, message] of usage)
    it(`usage error: ${args.join(' ') || '(no arguments)'}`, async () => {
      const { code, err } = await run(args);
      assert.equal(code, 2);
      assert.match(err, message);
    });

  it('reports a configuration error and exits 2', async () => {
    const { code, err } = await run(['-c', 'does-not-exist.yaml', '-']);
    assert.equal(code, 2);
    assert.match(err, /configuration error: .*does-not-exist\.yaml/);
  });
});
