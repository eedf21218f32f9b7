// The shared fixture corpus (testdata/fixtures, generated and checked against upstream elsewhere) run through the CLI's
// direct mode: file reading, YAML, decoding and API-server defaults must give the engine's exact verdicts.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { psa, ROOT } from './helpers.ts';

interface Entry {
  readonly file: string;
  readonly level: string;
  readonly version: string;
}

const INDEX = join(ROOT, 'testdata', 'fixtures', 'index.json');

describe('psa check --level --version -o json over the fixture corpus', () => {
  it('matches every expected verdict', { skip: existsSync(INDEX) ? false : 'no fixture corpus' }, async () => {
    const entries = JSON.parse(readFileSync(INDEX, 'utf8')) as Entry[];
    const groups = new Map<string, Entry[]>();
    for (const e of entries) {
      const key = `${e.level} ${e.version}`;
      groups.set(key, [...(groups.get(key) ?? []), e]);
    }
    let compared = 0;
    for (const [key, group] of groups) {
      const [level, version] = key.split(' ') as [string, string];
      const files = group.map((e) => `testdata/fixtures/${e.file}`);
      const r = await psa(['check', '--level', level, '--version', version, '-o', 'json', ...files]);
      assert.equal(r.stderr, '', key);
      const results = JSON.parse(r.stdout).results as {
        file: string;
        allowed: boolean;
        forbiddenReasons: string[];
        forbiddenDetail: string;
      }[];
      assert.equal(results.length, files.length, key);
      results.forEach((result, i) => {
        assert.equal(result.file, files[i]);
        const expected = JSON.parse(
          readFileSync(join(ROOT, files[i]!.replace(/\.yaml$/, '.expected.json')), 'utf8'),
        ) as {
          allowed: boolean;
          reasons: string[];
          details: string[];
        };
        assert.equal(result.allowed, expected.allowed, files[i]);
        assert.deepEqual(result.forbiddenReasons, expected.reasons, files[i]);
        const detail = expected.reasons
          .map((reason, j) => (expected.details[j] ? `${reason} (${expected.details[j]})` : reason))
          .join(', ');
        assert.equal(result.forbiddenDetail, detail, files[i]);
        compared++;
      });
    }
    assert.equal(compared, entries.length);
  });
});
