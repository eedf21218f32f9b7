import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSuiteArgs, parseSuiteArgs, UsageError } from './args.ts';

describe('parseSuiteArgs', () => {
  const valid: readonly [string[], { cases: number | undefined; seed: number | undefined; positionals: string[] }][] = [
    [[], { cases: undefined, seed: undefined, positionals: [] }],
    [['--cases', '1000000'], { cases: 1_000_000, seed: undefined, positionals: [] }],
    [['--cases=0', '--seed=-5', 'engine'], { cases: 0, seed: -5, positionals: ['engine'] }],
    [['--seed', '4294967295'], { cases: undefined, seed: -1, positionals: [] }],
  ];
  for (const [argv, expected] of valid) {
    it(`parses ${JSON.stringify(argv)}`, () => {
      assert.deepEqual(parseSuiteArgs(argv), expected);
    });
  }
  const invalid: readonly [string[], RegExp][] = [
    [['--cases', 'many'], /--cases: expected an integer, got "many"/],
    [['--cases=-1'], /--cases: must be an integer >= 0/],
    [['--cases', '1.5'], /--cases: expected an integer/],
    [['--seed', '99999999999'], /--seed: must fit in 32 bits/],
    [['--bogus'], /Unknown option '--bogus'/],
  ];
  for (const [argv, message] of invalid) {
    it(`rejects ${JSON.stringify(argv)}`, () => {
      assert.throws(
        () => parseSuiteArgs(argv),
        (error: unknown) => error instanceof UsageError && message.test(error.message),
      );
    });
  }
  it('formats options back for child processes', () => {
    assert.deepEqual(formatSuiteArgs({ cases: 5, seed: 7, positionals: ['x'] }), ['--cases', '5', '--seed', '7']);
    assert.deepEqual(formatSuiteArgs({ cases: undefined, seed: undefined, positionals: [] }), []);
  });
});
