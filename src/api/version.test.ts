import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOlder, LATEST, majorMinor, parseVersion, VERSION_PARSE_ERROR } from './version.ts';
import { formatLevelVersion, isEquivalentLevelVersion, parseLevelVersion } from './level-version.ts';

describe('parseVersion', () => {
  const valid: readonly [string, number | 'latest'][] = [
    ['latest', 'latest'],
    ['v1.0', 0],
    ['v1.1', 1],
    ['v1.20', 20],
    ['v1.10000', 10000],
    ['v1.9223372036854775807', Number('9223372036854775807')],
  ];
  for (const [input, minor] of valid) {
    it(`accepts ${input}`, () => {
      const parsed = parseVersion(input);
      assert.equal(parsed.ok, true);
      assert.equal(parsed.value.text, input);
      if (minor === 'latest') assert.equal(parsed.value.latest, true);
      else assert.equal(parsed.value.minor, minor);
    });
  }
  const invalid = [
    'v1.01',
    'v1.00',
    'v2.0',
    'v1',
    '1.1',
    '',
    'foo',
    'Latest',
    'v1.1 ',
    'v1.9223372036854775808',
    'v1.-1',
  ];
  for (const input of invalid) {
    it(`rejects ${JSON.stringify(input)} with latest as fallback`, () => {
      assert.deepEqual(parseVersion(input), { ok: false, value: LATEST, error: VERSION_PARSE_ERROR });
    });
  }
  it('uses upstream error text', () => {
    assert.equal(VERSION_PARSE_ERROR, 'must be "latest" or "v1.x"');
  });
});

describe('isOlder', () => {
  it('never calls latest older', () => {
    assert.equal(isOlder(LATEST, majorMinor(0)), false);
    assert.equal(isOlder(LATEST, LATEST), false);
    assert.equal(isOlder(majorMinor(99), LATEST), true);
    assert.equal(isOlder(majorMinor(24), majorMinor(25)), true);
    assert.equal(isOlder(majorMinor(25), majorMinor(25)), false);
  });
});

describe('LevelVersion', () => {
  it('prints the version as given', () => {
    const parsed = parseLevelVersion('restricted:v1.100');
    assert.ok(parsed.ok);
    assert.equal(formatLevelVersion(parsed.value), 'restricted:v1.100');
    const bare = parseLevelVersion('baseline');
    assert.ok(bare.ok);
    assert.equal(formatLevelVersion(bare.value), 'baseline:latest');
  });
  it('reports bad parts', () => {
    assert.deepEqual(parseLevelVersion('strict:latest'), {
      ok: false,
      error: 'invalid level "strict": must be one of privileged, baseline, restricted',
    });
    assert.deepEqual(parseLevelVersion('baseline:1.2'), {
      ok: false,
      error: 'invalid version "1.2": must be "latest" or "v1.x"',
    });
  });
  it('treats all privileged versions as equivalent', () => {
    const a = { level: 'privileged', version: majorMinor(1) } as const;
    const b = { level: 'privileged', version: LATEST } as const;
    assert.equal(isEquivalentLevelVersion(a, b), true);
    assert.equal(
      isEquivalentLevelVersion({ level: 'baseline', version: majorMinor(1) }, { level: 'baseline', version: LATEST }),
      false,
    );
  });
});
