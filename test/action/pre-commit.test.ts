import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { psa, ROOT } from '../cli/helpers.ts';

interface Hook {
  readonly id: string;
  readonly entry: string;
  readonly language: string;
  readonly files: string;
}

describe('the pre-commit hook (.pre-commit-hooks.yaml)', () => {
  const hooks = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
  const hook = hooks.find((h) => h.id === 'psa-check');

  it('runs a bin of this package on the staged manifests (YAML and JSON only)', () => {
    assert.ok(hook !== undefined);
    assert.equal(hook.language, 'node');
    const [program] = hook.entry.split(' ');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    assert.ok(program !== undefined && program in pkg.bin, `${String(program)} is a bin of the package`);
    const files = new RegExp(hook.files);
    for (const name of ['deploy/app.yaml', 'a.yml', 'list.json']) assert.ok(files.test(name), name);
    for (const name of ['README.md', 'main.ts', 'yaml.txt']) assert.ok(!files.test(name), name);
    // pre-commit installs the hook with `npm pack`: the build must run then, its output off stdout (pre-commit reads
    // the tarball name there).
    assert.equal(pkg.scripts.prepack, 'npm run build && npm run build:web');
    assert.match(readFileSync(join(ROOT, '.npmrc'), 'utf8'), /^foreground-scripts=false$/m);
  });

  it('as pre-commit calls it (entry, then the file names): exit 1 on the seed refusal, 0 on a clean file', async () => {
    const args = hook!.entry.split(' ').slice(1);
    const refused = await psa([
      ...args,
      'examples/02-nginx-deployment.yaml',
      'examples/03-debug-container-daemonset.yaml',
    ]);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /Error creating: pods "debug-container-xxxxx" is forbidden/);
    assert.equal((await psa([...args, 'examples/01-restricted-deployment.yaml'])).code, 0);
  });
});
