import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSuiteArgs, parseSuiteArgs, type SuiteOptions, UsageError } from './args.ts';

describe('parseSuiteArgs', () => {
  const none = { cases: undefined, seed: undefined, state: undefined, positionals: [] };
  const valid: readonly [string[], SuiteOptions][] = [
    [[], none],
    [['--cases', '1000000'], { ...none, cases: 1_000_000 }],
    [['--cases=0', '--seed=-5', 'engine'], { ...none, cases: 0, seed: -5, positionals: ['engine'] }],
    [['--seed', '4294967295'], { ...none, seed: -1 }],
    [['--state', 'long.jsonl', 'engine'], { ...none, state: 'long.jsonl', positionals: ['engine'] }],
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
    assert.deepEqual(formatSuiteArgs({ cases: 5, seed: 7, state: undefined, positionals: ['x'] }), [
      '--cases',
      '5',
      '--seed',
      '7',
    ]);
    assert.deepEqual(formatSuiteArgs({ cases: undefined, seed: undefined, state: 'f', positionals: [] }), [
      '--state',
      'f',
    ]);
  });
});
