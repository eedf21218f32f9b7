import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, describe, it } from 'node:test';
import { goldens, lines, psa } from './helpers.ts';

const golden = goldens('commands');
after(() => golden.assertAllClaimed());

describe('psa check with configurations', () => {
  it('--config and --talos-patch change the verdicts (Talos machine config + patch)', async () => {
    const r = await psa([
      'check',
      '--config',
      'examples/talos/controlplane.yaml',
      '--talos-patch',
      'examples/talos/patch-relax-defaults.yaml',
      'examples/03-debug-container-daemonset.yaml',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(
      r.stdout.includes(
        'Warning: would violate PodSecurity "baseline:v1.35": host namespaces (hostNetwork=true, hostPID=true, hostIPC=true), privileged (container "debug-container" must not set securityContext.privileged=true)',
      ),
    );
    assert.ok(!r.stdout.includes('Error creating'));
  });

  it('a namespace exempted by a Talos patch is not evaluated', async () => {
    const pod =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: exporter, namespace: monitoring}\nspec:\n  hostPID: true\n  containers: [{name: c, image: x}]\n';
    const strict = await psa(['check', '-'], { stdin: pod });
    assert.equal(strict.code, 1);
    assert.ok(
      strict.stdout.includes(
        'pods "exporter" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostPID=true)',
      ),
    );
    const exempt = await psa(['check', '--talos-patch', 'examples/talos/patch-exempt-namespace.yaml', '-'], {
      stdin: pod,
    });
    assert.equal(exempt.code, 0, exempt.stderr);
    assert.ok(exempt.stdout.includes('exempt: namespace monitoring is exempt from Pod Security'));
  });

  it('a broken configuration is exit 2 with file:line:col', async () => {
    const r = await psa([
      'check',
      '--config',
      'examples/talos/pod-security-broken.yaml',
      'examples/01-restricted-deployment.yaml',
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^psa: configuration error: examples\/talos\/pod-security-broken\.yaml:\d+:\d+: /m);
    assert.equal(r.stdout, '');
  });

  it('invalid namespace labels: the Namespace is refused like the API server does', async () => {
    const ns =
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n  labels:\n    pod-security.kubernetes.io/enforce: bogus\n';
    const r = await psa(['check', '-'], { stdin: ns });
    assert.equal(r.code, 1);
    assert.ok(
      lines(r.stdout).includes(
        'Error from server (Invalid): error when creating "-": Namespace "team" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "bogus": must be one of privileged, baseline, restricted',
      ),
    );
  });

  it('the exempt-namespace warning (spec 5.8.2) for a labelled exempt namespace', async () => {
    const ns =
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kube-system\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n';
    const r = await psa(['check', '-'], { stdin: ns });
    assert.equal(r.code, 0);
    assert.ok(
      lines(r.stdout).includes(
        'Warning: namespace "kube-system" is exempt from Pod Security, and the policy (enforce=restricted:latest) will be ignored',
      ),
    );
  });

  it('a Namespace update that tightens enforce warns about the pods created before it (upstream text)', async () => {
    const ns =
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n';
    const r = await psa(
      ['check', 'examples/02-nginx-deployment.yaml', 'examples/03-debug-container-daemonset.yaml', '-'],
      { stdin: ns },
    );
    const out = lines(r.stdout);
    const at = out.indexOf('-:1: namespace/default');
    assert.deepEqual(out.slice(at + 1, at + 4), [
      'Warning: existing pods in namespace "default" violate the new PodSecurity enforce level "restricted:latest"',
      // The DaemonSet's pods were refused, so only nginx's exist.
      'Warning: nginx-xxxxxxxxxx-xxxxx: allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
      'namespace/default configured',
    ]);
    // Loosening never evaluates pods.
    const loose = await psa(['check', 'examples/02-nginx-deployment.yaml', 'examples/namespace-privileged/']);
    assert.ok(lines(loose.stdout).includes('namespace/default configured'));
    assert.ok(!loose.stdout.includes('existing pods'));
  });

  it('pods: enforce refusal hides warnings; invalid labels fall back with a policy error', async () => {
    const input = [
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: apps}\nspec:\n  containers: [{name: web, image: nginx}]\n',
    ].join('---\n');
    const r = await psa(['check', '-o', 'json', '-'], { stdin: input });
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.stdout);
    const [pod] = doc.results;
    assert.equal(pod.refused, true);
    assert.deepEqual(pod.warnings, []);
    assert.match(
      pod.refusal,
      /^pods "web" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false/,
    );
    assert.equal(doc.namespaces[0].action, 'created');
  });

  it('--user exempts what that user creates; controllers create pods as their service account', async () => {
    const config = mkdtempSync(`${tmpdir()}/psa-cfg-`);
    writeFileSync(
      `${config}/psc.yaml`,
      'apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: baseline\n  warn: restricted\nexemptions:\n  usernames: ["system:serviceaccount:kube-system:daemon-set-controller"]\n',
    );
    const r = await psa(['check', '--config', `${config}/psc.yaml`, 'examples/03-debug-container-daemonset.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes('Error creating'));
    assert.ok(r.stdout.includes('Warning: would violate PodSecurity "restricted:latest"'));
    // An exempt requester gets no warnings, but the controller's pods are still judged (as its service account).
    writeFileSync(
      `${config}/alice.yaml`,
      'apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: baseline\n  warn: restricted\nexemptions:\n  usernames: [alice]\n',
    );
    const alice = await psa([
      'check',
      '--config',
      `${config}/alice.yaml`,
      '--user',
      'alice',
      'examples/03-debug-container-daemonset.yaml',
    ]);
    assert.equal(alice.code, 1, alice.stderr);
    assert.ok(!alice.stdout.includes('Warning: would violate'));
    assert.ok(alice.stdout.includes('exempt: the requesting user is exempt from Pod Security'));
    assert.ok(
      alice.stdout.includes(
        'Error creating: pods "debug-container-xxxxx" is forbidden: violates PodSecurity "baseline:latest"',
      ),
    );
  });
});

describe('psa explain', () => {
  it('shows the strictest level, the version bands and the fields to change', async () => {
    const r = await psa(['explain', 'examples/02-nginx-deployment.yaml', 'examples/03-debug-container-daemonset.yaml']);
    assert.equal(r.code, 0, r.stderr);
    const out = lines(r.stdout);
    assert.ok(out.includes('  strictest level met at latest: baseline'));
    assert.ok(
      out.includes(
        '    v1.22 to latest: allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
      ),
    );
    assert.ok(out.includes('      spec.template.spec.containers[0].securityContext.privileged: remove (or set false)'));
    golden.check('explain.txt', r.stdout);
  });

  it('-o json', async () => {
    const r = await psa(['explain', '-o', 'json', 'examples/03-debug-container-daemonset.yaml']);
    const doc = JSON.parse(r.stdout);
    const [e] = doc.results;
    assert.equal(e.minimumLevel, 'privileged');
    assert.deepEqual(e.levels.baseline, [
      { from: 'v1.0', to: 'latest', allowed: false, reasons: ['host namespaces', 'privileged'] },
    ]);
    assert.deepEqual(
      e.violations.map((v: { checkId: string }) => v.checkId),
      [
        'hostNamespaces',
        'privileged',
        'allowPrivilegeEscalation',
        'capabilities_restricted',
        'runAsNonRoot',
        'seccompProfile_restricted',
      ],
    );
  });
});

describe('psa explain -n', () => {
  it('names the namespace of objects that have none', async () => {
    const r = await psa(['explain', '-n', 'team-a', '-o', 'json', 'test/cli/namespace-less-pod.yaml']);
    const doc = JSON.parse(r.stdout);
    assert.ok(doc.results.length > 0);
    for (const e of doc.results) assert.equal(e.namespace, 'team-a');
  });
});

describe('psa fix', () => {
  it('fixes the nginx Deployment for restricted, comments and formatting kept, and the result passes', async () => {
    const r = await psa(['fix', '--level', 'restricted', 'examples/02-nginx-deployment.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.startsWith('# What `kubectl create deployment nginx --image=nginx` sends'));
    assert.ok(
      r.stdout.includes('      containers:\n      - image: nginx\n'),
      'kubectl-style sequence indentation is kept',
    );
    golden.check('fix-nginx.yaml', r.stdout);
    const check = await psa(['check', '--level', 'restricted', '-o', 'json', '-'], { stdin: r.stdout });
    assert.equal(check.code, 0);
    assert.equal(JSON.parse(check.stdout).results[0].allowed, true);
  });

  it('every safe-only manifest passes its level after fix (table)', async () => {
    const cases = [
      'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  initContainers: [{name: i, image: x}]\n  containers: [{name: c, image: x, securityContext: {capabilities: {add: [NET_BIND_SERVICE]}}}]\n',
      'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: b}\nspec:\n  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          securityContext:\n            runAsNonRoot: false\n          containers:\n          - name: c\n            image: x\n            securityContext: null\n',
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: c}\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: x\n        securityContext:\n          runAsNonRoot: false\n          capabilities:\n            drop: [NET_RAW]\n',
    ];
    for (const level of ['restricted', 'restricted:v1.24', 'baseline']) {
      for (const input of cases) {
        const r = await psa(['fix', '--level', level, '-'], { stdin: input });
        assert.equal(r.code, 0, `${level}: ${r.stderr}`);
        const [lvl, version] = level.split(':');
        const check = await psa(['check', '--level', lvl!, '--version', version ?? 'latest', '-o', 'json', '-'], {
          stdin: r.stdout,
        });
        assert.equal(check.code, 0, `${level} after fix:\n${r.stdout}\n${check.stdout}`);
      }
    }
  });

  it('lists what cannot be fixed with the narrowest way to admit it (exit 1)', async () => {
    const r = await psa(['fix', '--level', 'restricted', 'examples/03-debug-container-daemonset.yaml']);
    assert.equal(r.code, 1);
    golden.check('fix-daemonset.stderr.txt', r.stderr);
    assert.ok(r.stderr.includes('kubectl label --overwrite ns default pod-security.kubernetes.io/enforce=privileged'));
    assert.ok(r.stderr.includes('                namespaces: [default]'));
  });

  it('-o patch prints strategic-merge patches', async () => {
    const r = await psa(['fix', '--level', 'restricted', '-o', 'patch', 'examples/02-nginx-deployment.yaml']);
    assert.equal(r.code, 0);
    golden.check('fix-nginx.patch.yaml', r.stdout);
  });

  it('--write rewrites the file in place', async () => {
    const dir = mkdtempSync(`${tmpdir()}/psa-fix-`);
    const path = `${dir}/nginx.yaml`;
    writeFileSync(path, readFileSync('examples/02-nginx-deployment.yaml'));
    const r = await psa(['fix', '--level', 'restricted', '--write', path]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.match(readFileSync(path, 'utf8'), /allowPrivilegeEscalation: false/);
  });

  it('fixes each item of a List (kubectl get -o json), JSON in, JSON out', async () => {
    const r = await psa(['fix', '--level', 'restricted', 'test/cli/inputs/mixed/pods-list.json']);
    assert.equal(r.code, 1, 'host-1 still needs hostPID');
    const fixed = JSON.parse(r.stdout);
    assert.equal(fixed.items[1].spec.containers[0].securityContext.allowPrivilegeEscalation, false);
    assert.match(
      r.stderr,
      /^test\/cli\/inputs\/mixed\/pods-list\.json:20: pod\/host-1 still fails restricted:latest after the safe fixes:$/m,
    );
    assert.match(r.stderr, /kubectl label --overwrite ns apps pod-security\.kubernetes\.io\/enforce=privileged/);
  });

  it('needs --level', async () => {
    const r = await psa(['fix', 'examples/']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--level is required/);
  });
});

describe('psa namespace dry-run', () => {
  it("prints upstream's warnings for the namespace's pods and groups them by owner", async () => {
    const r = await psa(['namespace', 'dry-run', 'default', 'restricted', 'examples/']);
    assert.equal(r.code, 1);
    const out = lines(r.stdout);
    assert.equal(
      out[0],
      'Warning: existing pods in namespace "default" violate the new PodSecurity enforce level "restricted:latest"',
    );
    assert.ok(out.includes('namespace/default labeled (server dry run)'));
    golden.check('namespace-dry-run.txt', r.stdout);
  });

  it('counts pods with the same reasons, with no 3,000-pod cap', async () => {
    const pods: string[] = [];
    for (let i = 0; i < 3200; i++)
      pods.push(
        `apiVersion: v1\nkind: Pod\nmetadata: {name: p${String(i).padStart(4, '0')}, namespace: big}\nspec:\n  containers: [{name: c, image: x}]\n`,
      );
    const r = await psa(['namespace', 'dry-run', 'big', 'restricted', '-'], { stdin: pods.join('---\n') });
    assert.equal(r.code, 1);
    assert.ok(
      lines(r.stdout).includes(
        'Warning: p0000 (and 3199 other pods): allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
      ),
    );
    assert.ok(!r.stdout.includes('only checked against the first'));
  });

  it('an allowed level prints no warnings and exits 0', async () => {
    const r = await psa([
      'namespace',
      'dry-run',
      'default',
      'baseline',
      'examples/01-restricted-deployment.yaml',
      'examples/02-nginx-deployment.yaml',
    ]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'namespace/default labeled (server dry run)\n');
  });
});

describe('help, version, dispatch', () => {
  it('psa --help and per-command --help', async () => {
    const main = await psa(['--help']);
    assert.equal(main.code, 0);
    assert.match(main.stdout, /^psa: Kubernetes Pod Security Admission, offline\./);
    for (const cmd of ['check', 'explain', 'fix', 'namespace', 'version']) {
      const r = await psa([cmd, '--help']);
      assert.equal(r.code, 0, cmd);
      assert.match(r.stdout, /^Usage: psa /, cmd);
    }
    assert.equal((await psa(['help', 'check'])).stdout, (await psa(['check', '--help'])).stdout);
  });

  it('psa version', async () => {
    const r = await psa(['version']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^psa \d+\.\d+\.\d+ \(kube-psa\)\npolicy versions: v1\.0 to v1\.37 \(latest = v1\.37\)\n$/);
  });

  it('psa config is dispatched to the config command', async () => {
    const r = await psa(['config', 'show']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /kind: PodSecurityConfiguration/);
  });

  it('unknown commands and no command are usage errors (exit 2)', async () => {
    assert.equal((await psa(['frobnicate'])).code, 2);
    assert.equal((await psa([])).code, 2);
  });

  it('did you mean: mistyped commands, subcommands and flags name the nearest, still exit 2', async () => {
    const cases = [
      {
        argv: ['chek', 'examples/'],
        stderr: `psa: unknown command "chek" (did you mean "check"?)\nRun 'psa --help' for the commands.\n`,
      },
      {
        argv: ['serv'],
        stderr: `psa: unknown command "serv" (did you mean "serve"?)\nRun 'psa --help' for the commands.\n`,
      },
      { argv: ['frobnicate'], stderr: `psa: unknown command "frobnicate"\nRun 'psa --help' for the commands.\n` },
      {
        argv: ['check', '--levle', 'restricted', 'x.yaml'],
        stderr: `psa check: unknown flag --levle (did you mean --level?)\nRun 'psa check --help' for usage.\n`,
      },
      {
        argv: ['explain', '--ouptut', 'json', 'x.yaml'],
        stderr: `psa explain: unknown flag --ouptut (did you mean --output?)\nRun 'psa explain --help' for usage.\n`,
      },
      {
        argv: ['fix', '--writ', 'x.yaml'],
        stderr: `psa fix: unknown flag --writ (did you mean --write?)\nRun 'psa fix --help' for usage.\n`,
      },
      {
        argv: ['namespace', 'dry-run', '--confg', 'c.yaml'],
        stderr: `psa namespace: unknown flag --confg (did you mean --config?)\nRun 'psa namespace --help' for usage.\n`,
      },
      {
        argv: ['check', '--bogus', 'x.yaml'],
        stderr: `psa check: unknown flag --bogus\nRun 'psa check --help' for usage.\n`,
      },
    ];
    for (const c of cases) {
      const r = await psa(c.argv);
      assert.equal(r.code, 2, c.argv.join(' '));
      assert.equal(r.stderr, c.stderr);
    }
    const config = await psa(['config', 'lnit']);
    assert.equal(config.code, 2);
    assert.match(
      config.stderr,
      /^psa config: unknown subcommand "lnit" \(did you mean "lint"\?\): want show, lint or render$/m,
    );
    const configFlag = await psa(['config', 'show', '--talos-pach', 'p.yaml']);
    assert.equal(configFlag.code, 2);
    assert.match(configFlag.stderr, /unknown flag --talos-pach \(did you mean --talos-patch\?\)/);
  });
});
