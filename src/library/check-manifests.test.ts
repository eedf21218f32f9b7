import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { psa } from '../../test/cli/helpers.ts';
import { checkExitCode, checkManifests, InvalidConfigurationError } from './index.ts';

// Each file alone: the library reads one text, the CLI one file of the same name, so the documents must be equal.
const FILES = [
  'examples/01-restricted-deployment.yaml',
  'examples/02-nginx-deployment.yaml',
  'examples/03-debug-container-daemonset.yaml',
  'examples/namespace-privileged/namespace-default.yaml',
  'test/cli/inputs/mixed/helm-output.yaml',
  'test/cli/inputs/mixed/pods-list.json',
  'test/cli/inputs/mixed/statefulset.yml',
  'test/cli/inputs/bad/broken.yaml',
  'test/cli/inputs/bad/duplicate-keys.yaml',
  'test/cli/inputs/bad/unknown-kind.yaml',
  'test/cli/inputs/bad/wrong-types.yaml',
  'test/cli/inputs/bad/alias-bomb.yaml',
];

describe('checkManifests returns what psa check -o json prints', () => {
  for (const file of FILES) {
    it(file, async () => {
      const cli = await psa(['check', '-o', 'json', file]);
      const report = await checkManifests(readFileSync(file, 'utf8'), { file });
      assert.deepEqual(report, JSON.parse(cli.stdout));
      assert.equal(checkExitCode(report.summary), cli.code);
    });
  }

  it('with flags: --config, --talos-patch, -n, --namespace-labels, --user, --fail-on', async () => {
    const file = 'examples/03-debug-container-daemonset.yaml';
    const config = 'examples/talos/controlplane.yaml';
    const patch = 'examples/talos/patch-relax-defaults.yaml';
    const cli = await psa([
      'check',
      '-o',
      'json',
      '--config',
      config,
      '--talos-patch',
      patch,
      '-n',
      'team-a',
      '--namespace-labels',
      'team-a:pod-security.kubernetes.io/warn=baseline',
      '--user',
      'alice',
      '--fail-on',
      'warn',
      file,
    ]);
    const report = await checkManifests(readFileSync(file, 'utf8'), {
      file,
      config: { name: config, text: readFileSync(config, 'utf8') },
      talosPatches: [{ name: patch, text: readFileSync(patch, 'utf8') }],
      namespace: 'team-a',
      namespaceLabels: { 'team-a': { 'pod-security.kubernetes.io/warn': 'baseline' } },
      user: 'alice',
    });
    assert.deepEqual(report, JSON.parse(cli.stdout));
    assert.equal(checkExitCode(report.summary, 'warn'), cli.code);
    // The options took effect: Talos' default gives another verdict.
    assert.notDeepEqual(report.results, (await checkManifests(readFileSync(file, 'utf8'), { file })).results);
    assert.equal(report.results[0]?.enforce?.level, 'privileged');
  });

  it('a configuration that does not load throws InvalidConfigurationError naming the file and line', async () => {
    const config = 'examples/talos/pod-security-broken.yaml';
    const cli = await psa(['check', '--config', config, 'examples/02-nginx-deployment.yaml']);
    assert.equal(cli.code, 2);
    await assert.rejects(
      checkManifests('', { config: { name: config, text: readFileSync(config, 'utf8') } }),
      (error: unknown) => {
        assert.ok(error instanceof InvalidConfigurationError);
        assert.ok(error.errors.length > 0);
        // The CLI prints the same messages, one per line, after `psa: configuration error: `.
        for (const e of error.errors) assert.ok(cli.stderr.includes(e.message), e.message);
        assert.match(error.message, new RegExp(`^invalid Pod Security configuration: ${config}:\\d+:\\d+: `));
        return true;
      },
    );
  });

  it('a file named *.json is read as one JSON document; the default name is manifests.yaml', async () => {
    const report = await checkManifests('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {hostPID: true}\n');
    assert.equal(report.results[0]?.file, 'manifests.yaml');
    assert.equal(report.results[0]?.refused, true);
    const json = await checkManifests('{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {}}', {
      file: 'pod.json',
    });
    assert.equal(json.summary.pods, 1);
    assert.equal(json.results[0]?.file, 'pod.json');
  });
});
