import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ROOT } from '../cli/helpers.ts';

const run = promisify(execFile);

describe('library public API', () => {
  it('type tests: tsc accepts public-api.types.ts and the library examples (each @ts-expect-error is used)', async () => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = await run(process.execPath, [tsc, '--noEmit', '-p', 'test/library/tsconfig.json'], { cwd: ROOT }).catch(
      (error: unknown) => ({ stdout: (error as { stdout: string }).stdout }),
    );
    assert.equal(r.stdout, '');
  });

  it('package.json: the entries users import map to the modules the type tests import', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8'));
    const paths: Record<string, string[]> = tsconfig.compilerOptions.paths;
    for (const [entry, source] of Object.entries(paths)) {
      const subpath = entry === 'kube-psa' ? '.' : `./${entry.slice('kube-psa/'.length)}`;
      const built = source[0]!.replace('./src/', './dist/').replace(/\.ts$/, '');
      assert.deepEqual(pkg.exports[subpath], { types: `${built}.d.ts`, default: `${built}.js` }, entry);
    }
    // `npx kube-psa` needs a bin named after the package once there is more than one; kubectl finds `kubectl-psa`.
    assert.deepEqual(pkg.bin, { psa: './dist/psa.cjs', 'kube-psa': './dist/psa.cjs', 'kubectl-psa': './dist/psa.cjs' });
  });
});
