import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseServeArgs } from './server/options.ts';
import { closest, editDistance, suggestFlag } from './suggest.ts';

const COMMANDS = ['check', 'explain', 'fix', 'namespace', 'config', 'serve', 'version', 'completion', 'help'];

describe('did you mean', () => {
  const distances = [
    ['check', 'check', 0],
    ['chek', 'check', 1],
    ['chcek', 'check', 1],
    ['', 'fix', 3],
    ['kitten', 'sitting', 3],
  ] as const;
  for (const [a, b, d] of distances) it(`editDistance(${a}, ${b}) = ${d}`, () => assert.equal(editDistance(a, b), d));

  const commands = [
    ['chek', 'check'],
    ['chekc', 'check'],
    ['Check', 'check'],
    ['expalin', 'explain'],
    ['serv', 'serve'],
    ['namespaces', 'namespace'],
    ['compl', 'completion'],
    ['verison', 'version'],
    ['frobnicate', undefined],
    ['x', undefined],
    ['co', undefined],
  ] as const;
  for (const [typed, meant] of commands)
    it(`${typed} -> ${String(meant)}`, () => assert.equal(closest(typed, COMMANDS), meant));

  const s = { type: 'string' };
  const OPTIONS = { level: s, version: s, output: { ...s, short: 'o' }, 'talos-patch': s, 'fail-on': s };
  const flags = [
    ['--levl', ' (did you mean --level?)'],
    ['--talos-pacth', ' (did you mean --talos-patch?)'],
    ['--failon', ' (did you mean --fail-on?)'],
    ['--outptu', ' (did you mean --output?)'],
    ['--bogus', ''],
    ['-x', ''],
  ] as const;
  for (const [flag, hint] of flags) it(`${flag}${hint}`, () => assert.equal(suggestFlag(flag, OPTIONS), hint));

  it('psa serve: an unknown flag names the nearest (words separated by _ are normalized first)', () => {
    assert.deepEqual(parseServeArgs(['--tls-cert', 'a.pem']), {
      kind: 'error',
      message: 'unknown flag --tls-cert (did you mean --tls-cert-file?)',
    });
    assert.deepEqual(parseServeArgs(['--secure_prot', '1']), {
      kind: 'error',
      message: 'unknown flag --secure-prot (did you mean --secure-port?)',
    });
  });
});
