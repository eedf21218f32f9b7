import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Container, PodSpec } from '../k8s/pod.ts';
import {
  compareCodePoints,
  containerNamesWhere,
  containersPhrase,
  forEachContainer,
  goQuote,
  joinQuote,
  pluralize,
  setterPhrase,
  someContainer,
  sortStrings,
} from './format.ts';

describe('joinQuote', () => {
  const cases: [readonly string[], string][] = [
    [[], ''],
    [['x'], '"x"'],
    [['a', 'b'], '"a", "b"'],
    [['a', 'b', 'c'], '"a", "b", "c"'],
    [[''], '""'],
    [['', ''], '"", ""'],
    // No escaping at all, unlike goQuote.
    [['a"b', 'c\\d'], '"a"b", "c\\d"'],
    [['line\nbreak'], '"line\nbreak"'],
    [['ü', '😀'], '"ü", "😀"'],
  ];
  for (const [input, want] of cases) {
    it(JSON.stringify(input), () => assert.equal(joinQuote(input), want));
  }
});

describe('pluralize', () => {
  it('uses the singular only for exactly one', () => {
    assert.equal(pluralize(1, 'container', 'containers'), 'container');
    assert.equal(pluralize(0, 'container', 'containers'), 'containers');
    assert.equal(pluralize(2, 'container', 'containers'), 'containers');
    assert.equal(pluralize(-1, 'uses', 'use'), 'use');
  });
});

describe('goQuote', () => {
  const cases: [string, string, string][] = [
    ['empty', '', '""'],
    ['plain ASCII', 'unconfined', '"unconfined"'],
    ['all printable ASCII', ' !#$%&()*+,-./09:;<=>?@AZ[]^_`az{|}~', '" !#$%&()*+,-./09:;<=>?@AZ[]^_`az{|}~"'],
    ['quote and backslash', 'a"b\\c', '"a\\"b\\\\c"'],
    ['single-letter escapes', '\x07\b\f\n\r\t\v', '"\\a\\b\\f\\n\\r\\t\\v"'],
    ['NUL', '\x00', '"\\x00"'],
    ['other C0 controls', '\x01\x1b\x1f', '"\\x01\\x1b\\x1f"'],
    ['DEL', '\x7f', '"\\x7f"'],
    ['C1 control', '\u0085', '"\\u0085"'],
    ['no-break space (Zs)', '\u00a0', '"\\u00a0"'],
    ['ideographic space (Zs)', '\u3000', '"\\u3000"'],
    ['soft hyphen (Cf)', '\u00ad', '"\\u00ad"'],
    ['line separator', '\u2028', '"\\u2028"'],
    ['zero width space', '\u200b', '"\\u200b"'],
    ['byte order mark', '\ufeff', '"\\ufeff"'],
    ['unassigned BMP code point', '\u0378', '"\\u0378"'],
    ['private use BMP', '\ue000', '"\\ue000"'],
    ['latin letters', 'café', '"café"'],
    ['CJK', '日本語', '"日本語"'],
    ['combining mark', 'e\u0301', '"e\u0301"'],
    ['emoji (So, astral)', '😀', '"😀"'],
    ['astral letter', '\u{10400}', '"\u{10400}"'],
    ['astral format char', '\u{e0001}', '"\\U000e0001"'],
    ['astral private use', '\u{f0000}', '"\\U000f0000"'],
    ['replacement char is printable', '\ufffd', '"\ufffd"'],
    ['lone high surrogate', 'a\ud800b', '"a\ufffdb"'],
    ['lone low surrogate', '\udc00', '"\ufffd"'],
    ['mixed', 'x="y"\n', '"x=\\"y\\"\\n"'],
  ];
  for (const [name, input, want] of cases) {
    it(name, () => assert.equal(goQuote(input), want));
  }
});

describe('compareCodePoints / sortStrings', () => {
  it('orders by code point, not UTF-16 unit', () => {
    // U+FFFF < U+10000 by code point, but JavaScript's default sort puts the surrogate pair (0xD800) first.
    assert.deepEqual(['\u{10000}', '\uffff'].sort(), ['\u{10000}', '\uffff']);
    assert.deepEqual(sortStrings(['\u{10000}', '\uffff']), ['\uffff', '\u{10000}']);
    assert.deepEqual(sortStrings(['\u{1f600}', '\ue000', 'z']), ['z', '\ue000', '\u{1f600}']);
  });
  it('is byte order: uppercase before lowercase, prefixes first', () => {
    assert.deepEqual(sortStrings(['seccompProfile_baseline', 'seLinuxOptions', 'runAsUser', 'runAsNonRoot']), [
      'runAsNonRoot',
      'runAsUser',
      'seLinuxOptions',
      'seccompProfile_baseline',
    ]);
    assert.deepEqual(sortStrings(['ab', 'a', '', 'b']), ['', 'a', 'ab', 'b']);
  });
  it('sorts numbers as strings', () => {
    assert.deepEqual(sortStrings(['8080', '10443', '9']), ['10443', '8080', '9']);
  });
  it('compares equal strings as 0 and is antisymmetric', () => {
    assert.equal(compareCodePoints('abc', 'abc'), 0);
    assert.ok(compareCodePoints('a', 'b') < 0);
    assert.ok(compareCodePoints('b', 'a') > 0);
    assert.ok(compareCodePoints('\u{10000}', '\uffff') > 0);
    assert.ok(compareCodePoints('\uffff', '\u{10000}') < 0);
  });
  it('accepts any iterable and does not mutate its input', () => {
    const input = ['b', 'a'];
    assert.deepEqual(sortStrings(new Set(input)), ['a', 'b']);
    assert.deepEqual(sortStrings(input), ['a', 'b']);
    assert.deepEqual(input, ['b', 'a']);
  });
});

describe('setter phrases', () => {
  it('renders containers with pluralization', () => {
    assert.equal(containersPhrase(['a']), 'container "a"');
    assert.equal(containersPhrase(['a', 'b']), 'containers "a", "b"');
  });
  it('joins pod and containers with " and "', () => {
    assert.equal(setterPhrase(true, []), 'pod');
    assert.equal(setterPhrase(false, ['x']), 'container "x"');
    assert.equal(setterPhrase(true, ['e', 'f']), 'pod and containers "e", "f"');
    assert.equal(setterPhrase(false, []), '');
  });
});

describe('container visit order', () => {
  const spec: PodSpec = {
    ephemeralContainers: [{ name: 'debug' }],
    containers: [{ name: 'app' }, { name: 'side' }, { name: 'app' }],
    initContainers: [{ name: 'init' }],
  };
  it('visits init, regular, then ephemeral containers, keeping duplicates', () => {
    const seen: string[] = [];
    forEachContainer(spec, (c) => seen.push(c.name ?? ''));
    assert.deepEqual(seen, ['init', 'app', 'side', 'app', 'debug']);
    assert.deepEqual(
      containerNamesWhere(spec, () => true),
      ['init', 'app', 'side', 'app', 'debug'],
    );
    assert.deepEqual(
      containerNamesWhere(spec, (c: Container) => c.name === 'app'),
      ['app', 'app'],
    );
  });
  it('finds ephemeral containers and handles missing lists', () => {
    assert.equal(
      someContainer(spec, (c) => c.name === 'debug'),
      true,
    );
    assert.equal(
      someContainer({}, () => true),
      false,
    );
    assert.deepEqual(
      containerNamesWhere({ containers: [{}] }, () => true),
      [''],
    );
  });
});
