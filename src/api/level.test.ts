import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareLevels, LEVEL_PARSE_ERROR, parseLevel } from './level.ts';

describe('parseLevel', () => {
  const table: readonly [string, string | null][] = [
    ['privileged', 'privileged'],
    ['baseline', 'baseline'],
    ['restricted', 'restricted'],
    ['Restricted', null],
    ['', null],
    [' baseline', null],
    ['baseline ', null],
    ['unknown', null],
  ];
  for (const [input, expected] of table) {
    it(`parses ${JSON.stringify(input)}`, () => {
      const parsed = parseLevel(input);
      if (expected === null) {
        assert.deepEqual(parsed, { ok: false, value: 'restricted', error: LEVEL_PARSE_ERROR });
      } else {
        assert.deepEqual(parsed, { ok: true, value: expected });
      }
    });
  }
  it('uses upstream error text', () => {
    assert.equal(LEVEL_PARSE_ERROR, 'must be one of privileged, baseline, restricted');
  });
});

describe('compareLevels', () => {
  it('orders privileged < baseline < restricted', () => {
    assert.equal(compareLevels('privileged', 'baseline'), -1);
    assert.equal(compareLevels('restricted', 'baseline'), 1);
    assert.equal(compareLevels('baseline', 'baseline'), 0);
    assert.equal(compareLevels('privileged', 'restricted'), -1);
  });
});
