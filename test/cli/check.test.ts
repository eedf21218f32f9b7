import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { goldens, lines, psa } from './helpers.ts';

const golden = goldens('check');
after(() => golden.assertAllClaimed());

// The seed's exact lines (/work/shared/seed/talos-pod-security.md).
const NGINX_WARNING =
  'Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "nginx" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "nginx" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "nginx" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "nginx" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';
const DAEMONSET_WARNING =
  'Warning: would violate PodSecurity "restricted:latest": host namespaces (hostNetwork=true, hostPID=true, hostIPC=true), privileged (container "debug-container" must not set securityContext.privileged=true), allowPrivilegeEscalation != false (container "debug-container" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "debug-container" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "debug-container" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "debug-container" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';
const DAEMONSET_REFUSAL =
  'Error creating: pods "debug-container-xxxxx" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true, hostPID=true, hostIPC=true), privileged (container "debug-container" must not set securityContext.privileged=true)';

// The seed walkthrough without examples/talos/ (configuration files, owned elsewhere), so goldens stay stable.
const SEED = [
  'examples/01-restricted-deployment.yaml',
  'examples/02-nginx-deployment.yaml',
  'examples/03-debug-container-daemonset.yaml',
  'examples/namespace-privileged/',
];

describe('psa check examples/ (the seed walkthrough, Talos default configuration)', () => {
  it('prints the seed warnings and the DaemonSet refusal, and exits 1', async () => {
    const r = await psa(['check', 'examples/']);
    const out = lines(r.stdout);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, '');
    assert.ok(out.includes(NGINX_WARNING));
    assert.ok(out.includes('deployment.apps/nginx created'));
    assert.ok(out.includes(DAEMONSET_WARNING));
    assert.ok(out.includes('daemonset.apps/debug-container created'));
    assert.ok(out.some((l) => l.endsWith(`  ${DAEMONSET_REFUSAL}`)));
    // The restricted Deployment: created, no warning.
    const i = out.indexOf('deployment.apps/example-workload created');
    assert.ok(i > 0 && !out[i - 1]!.startsWith('Warning'));
    // The namespace label comes after the DaemonSet (input order), as in the seed.
    assert.ok(out.indexOf('namespace/default configured') > out.indexOf('daemonset.apps/debug-container created'));
    // Configuration files in examples/talos/ are recognised and not checked.
    assert.match(r.stdout, /configuration documents? not checked \(use --config\)/);
    const seed = await psa(['check', ...SEED]);
    assert.equal(seed.code, 1);
    golden.check('examples.txt', seed.stdout);
  });

  it('admits the DaemonSet once the namespace is labelled enforce=privileged (label first)', async () => {
    const r = await psa(['check', 'examples/namespace-privileged/', 'examples/03-debug-container-daemonset.yaml']);
    assert.equal(r.code, 0);
    const out = lines(r.stdout);
    assert.ok(out.includes(DAEMONSET_WARNING));
    assert.ok(!r.stdout.includes('Error creating'));
  });

  it('--namespace-labels overrides the namespace labels', async () => {
    const r = await psa([
      'check',
      '--namespace-labels',
      'default:pod-security.kubernetes.io/enforce=privileged',
      'examples/03-debug-container-daemonset.yaml',
    ]);
    assert.equal(r.code, 0);
    const strict = await psa([
      'check',
      '--namespace-labels',
      'default:pod-security.kubernetes.io/enforce=restricted',
      'examples/02-nginx-deployment.yaml',
    ]);
    assert.equal(strict.code, 1);
    assert.ok(
      strict.stdout.includes(
        'Error creating: pods "nginx-xxxxxxxxxx-xxxxx" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false',
      ),
    );
    // warn follows enforce (stricter than the default warn? no: both restricted) and stays restricted:latest.
    assert.ok(lines(strict.stdout).includes(NGINX_WARNING));
  });

  it('--fail-on warn and audit tighten the exit code', async () => {
    assert.equal((await psa(['check', 'examples/02-nginx-deployment.yaml'])).code, 0);
    assert.equal((await psa(['check', '--fail-on', 'warn', 'examples/02-nginx-deployment.yaml'])).code, 1);
    assert.equal((await psa(['check', '--fail-on', 'audit', 'examples/02-nginx-deployment.yaml'])).code, 1);
    assert.equal((await psa(['check', '--fail-on', 'audit', 'examples/01-restricted-deployment.yaml'])).code, 0);
  });

  const GOLDEN_NAMES = {
    json: 'examples.json',
    sarif: 'examples.sarif.json',
    junit: 'examples.xml',
    markdown: 'examples.md',
    github: 'examples.github.txt',
  } as const;
  for (const format of ['json', 'sarif', 'junit', 'markdown', 'github'] as const) {
    it(`-o ${format} matches its golden file`, async () => {
      const r = await psa(['check', '-o', format, ...SEED]);
      assert.equal(r.code, 1);
      golden.check(GOLDEN_NAMES[format], r.stdout);
      if (format === 'json' || format === 'sarif') JSON.parse(r.stdout);
    });
  }

  it('-o FORMAT=FILE (repeatable) writes each report to its file, the same as alone on stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'psa-outputs-'));
    try {
      const sarif = join(dir, 'psa.sarif');
      const markdown = join(dir, 'summary.md');
      const r = await psa(['check', '-o', 'github', '-o', `sarif=${sarif}`, '-o', `markdown=${markdown}`, ...SEED]);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, (await psa(['check', '-o', 'github', ...SEED])).stdout);
      assert.equal(readFileSync(sarif, 'utf8'), (await psa(['check', '-o', 'sarif', ...SEED])).stdout);
      assert.equal(readFileSync(markdown, 'utf8'), (await psa(['check', '-o', 'markdown', ...SEED])).stdout);
      const twice = await psa(['check', '-o', 'json', '-o', 'text', ...SEED]);
      assert.equal(twice.code, 2);
      assert.match(twice.stderr, /only one --output may go to standard output/);
      const missing = await psa(['check', '-o', `json=${join(dir, 'no', 'such', 'dir.json')}`, ...SEED]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /^psa check: cannot write .*dir\.json: no such file or directory$/m);
      const direct = await psa(['check', '--level', 'baseline', '-o', `json=${join(dir, 'd.json')}`, ...SEED]);
      assert.equal(direct.code, 2);
      assert.match(direct.stderr, /direct mode \(--level\) supports -o json and -o text/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('-o json has the documented per-mode schema', async () => {
    const r = await psa(['check', '-o', 'json', 'examples/03-debug-container-daemonset.yaml']);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.schema, 'psa.check/v1');
    const [ds] = doc.results;
    assert.equal(ds.file, 'examples/03-debug-container-daemonset.yaml');
    assert.equal(ds.line, 4);
    assert.equal(ds.index, 0);
    assert.equal(ds.kind, 'DaemonSet');
    assert.equal(ds.namespace, 'default');
    assert.equal(ds.name, 'debug-container');
    assert.deepEqual(ds.enforce.forbiddenReasons, ['host namespaces', 'privileged']);
    assert.equal(ds.enforce.level, 'baseline');
    assert.equal(ds.enforce.version, 'latest');
    assert.equal(ds.enforce.allowed, false);
    assert.equal(ds.warn.message, DAEMONSET_WARNING.slice('Warning: '.length));
    assert.equal(ds.audit.message, ds.warn.message);
    assert.equal(ds.refused, true);
    assert.equal(ds.refusal, DAEMONSET_REFUSAL);
  });

  it('colours only on a TTY, never with NO_COLOR', async () => {
    const plain = await psa(['check', 'examples/02-nginx-deployment.yaml']);
    assert.ok(!plain.stdout.includes('\u001b['));
    const tty = await psa(['check', 'examples/02-nginx-deployment.yaml'], { tty: true });
    assert.ok(tty.stdout.includes('\u001b[33mWarning:\u001b[39m'));
    const noColor = await psa(['check', 'examples/02-nginx-deployment.yaml'], { tty: true, env: { NO_COLOR: '1' } });
    assert.equal(noColor.stdout, plain.stdout);
  });

  it('reads standard input (kubectl / helm / kustomize output piped in)', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync('examples/02-nginx-deployment.yaml', 'utf8');
    const r = await psa(['check', '-'], { stdin: text });
    assert.equal(r.code, 0);
    assert.ok(r.stdout.startsWith('-:3: deployment.apps/nginx (namespace default)\n'));
    assert.ok(lines(r.stdout).includes(NGINX_WARNING));
  });
});

describe('psa check --level L --version V -o json (direct mode, the engine contract)', () => {
  it('prints {"results":[...]} in input order and exits 1 when any is denied', async () => {
    const r = await psa(['check', '--level', 'baseline', '--version', 'latest', '-o', 'json', ...SEED]);
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(doc), ['results']);
    assert.deepEqual(
      doc.results.map((x: { name: string; allowed: boolean }) => [x.name, x.allowed]),
      [
        ['example-workload', true],
        ['nginx', true],
        ['debug-container', false],
      ],
    );
    assert.deepEqual(Object.keys(doc.results[2]), [
      'file',
      'index',
      'kind',
      'namespace',
      'name',
      'allowed',
      'forbiddenReasons',
      'forbiddenDetail',
    ]);
    assert.deepEqual(doc.results[2].forbiddenReasons, ['host namespaces', 'privileged']);
    assert.equal(
      doc.results[2].forbiddenDetail,
      'host namespaces (hostNetwork=true, hostPID=true, hostIPC=true), privileged (container "debug-container" must not set securityContext.privileged=true)',
    );
    assert.equal(doc.results[1].namespace, '');
    golden.check('direct-baseline.json', r.stdout);
  });

  it('exits 0 when all are allowed and keeps the version as given', async () => {
    const r = await psa([
      'check',
      '--level',
      'restricted',
      '--version',
      'v1.100',
      '-o',
      'json',
      'examples/01-restricted-deployment.yaml',
    ]);
    assert.equal(r.code, 0);
    assert.equal(JSON.parse(r.stdout).results[0].allowed, true);
  });

  it('applies the API-server defaults (a sourceless volume is emptyDir; hostNetwork pods get hostPorts)', async () => {
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostNetwork: true
  volumes: [{name: scratch}]
  containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]
`;
    const r = await psa(['check', '--level', 'baseline', '-o', 'json', '-'], { stdin: pod });
    const [result] = JSON.parse(r.stdout).results;
    assert.deepEqual(result.forbiddenReasons, ['host namespaces', 'hostPort']);
    assert.match(result.forbiddenDetail, /container "c" uses hostPort 8080/);
  });

  it('rejects bad levels and versions with upstream errors (exit 2)', async () => {
    const r = await psa(['check', '--level', 'strict', '-o', 'json', 'examples/']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /invalid level "strict": must be one of privileged, baseline, restricted/);
    const v = await psa(['check', '--level', 'baseline', '--version', 'v1.01', 'examples/']);
    assert.equal(v.code, 2);
    assert.match(v.stderr, /invalid version "v1.01": must be "latest" or "v1.x"/);
  });
});

describe('bad input', () => {
  it('reports every problem as file:line:col on stderr, checks everything else, exits 2', async () => {
    const r = await psa(['check', 'test/cli/inputs/']);
    assert.equal(r.code, 2);
    assert.ok(!r.stderr.includes('    at '), 'no stack traces');
    golden.check('bad-input.stderr.txt', r.stderr);
    golden.check('bad-input.stdout.txt', r.stdout);
    for (const name of ['before-broken', 'after-broken', 'after-bomb', 'web-1', 'host-1', 'demo-backup']) {
      assert.ok(r.stdout.includes(`/${name} (namespace`), `${name} is still checked`);
    }
  });

  it('a duplicate key is an error at its position', async () => {
    const r = await psa(['check', 'test/cli/inputs/bad/duplicate-keys.yaml']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: test\/cli\/inputs\/bad\/duplicate-keys.yaml:11:7: duplicate key/m);
  });

  it('wrong field types are errors with field paths, never a silent pass', async () => {
    const r = await psa(['check', 'test/cli/inputs/bad/wrong-types.yaml']);
    assert.equal(r.code, 2);
    assert.ok(
      r.stderr.includes(
        'wrong-types.yaml:16:23: spec.template.spec.containers[0].securityContext.privileged: expected boolean, got string',
      ),
    );
    assert.ok(!r.stdout.includes('created'));
  });

  it('binary garbage is reported and does not stop other files', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/psa-cli-`);
    writeFileSync(`${dir}/garbage.yaml`, Buffer.from([0x6b, 0x3a, 0x20, 0x0a, 0x00, 0xff, 0xfe, 0x01, 0x02]));
    const r = await psa(['check', `${dir}/garbage.yaml`, 'examples/02-nginx-deployment.yaml']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /garbage\.yaml:2:1: binary data \(control character 0x00\)/);
    assert.ok(lines(r.stdout).includes(NGINX_WARNING));
  });

  it('an oversized document is skipped with a clear error; the next document is checked', async () => {
    const big = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: "${'x'.repeat(300_000)}"\n---\n`;
    const nginx = (await import('node:fs')).readFileSync('examples/02-nginx-deployment.yaml', 'utf8');
    const r = await psa(['check', '--max-document-size', '64Ki', '-'], { stdin: big + nginx });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: -:1:1: document larger than 64 KiB; not checked/m);
    assert.ok(lines(r.stdout).includes(NGINX_WARNING));
  });

  it('missing paths and unknown flags are usage/input errors', async () => {
    const missing = await psa(['check', 'does-not-exist.yaml', 'examples/01-restricted-deployment.yaml']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /does-not-exist.yaml: no such file or directory/);
    assert.ok(missing.stdout.includes('deployment.apps/example-workload created'));
    const flag = await psa(['check', '--bogus']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /unknown flag --bogus/);
  });
});
