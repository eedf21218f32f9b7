import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregateMessages, goQuote, namespaceNameMessages, subdomainMessages } from './field-errors.ts';

describe('goQuote', () => {
  const cases: readonly (readonly [string, string])[] = [
    ['plain', '"plain"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ['\t\n\u0007\u007f', '"\\t\\n\\a\\x7f"'],
    ['é', '"é"'],
    ['\u00a0\u00ad\u2028', '"\\u00a0\\u00ad\\u2028"'],
    ['\ud800', '"\ufffd"'],
    ['\u{e0001}', '"\\U000e0001"'],
  ];
  for (const [input, expected] of cases) it(JSON.stringify(input), () => assert.equal(goQuote(input), expected));
});

describe('DNS names', () => {
  it('labels', () => {
    assert.deepEqual(namespaceNameMessages('kube-system'), []);
    assert.deepEqual(namespaceNameMessages('a.b'), ['must not contain dots']);
    assert.equal(namespaceNameMessages('a'.repeat(64)).join(', '), 'must be no more than 63 characters');
    assert.equal(namespaceNameMessages('a.b'.repeat(30)).length, 2);
  });
  it('subdomains', () => {
    assert.deepEqual(subdomainMessages('a.b'), []);
    assert.equal(subdomainMessages('x'.repeat(254))[0], 'must be no more than 253 characters');
    assert.equal(subdomainMessages('a..b').length, 1);
  });
});

describe('aggregateMessages', () => {
  it('dedupes, shows one alone, several in brackets', () => {
    assert.equal(aggregateMessages(['a', 'a']), 'a');
    assert.equal(aggregateMessages(['a', 'b', 'a']), '[a, b]');
  });
});
