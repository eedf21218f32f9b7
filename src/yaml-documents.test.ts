import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { parseAllDocumentsWithUniqueKeys } from './yaml-documents.ts';

/** Each document's errors as `CODE@offset`. */
function errors(text: string, version: '1.1' | '1.2' = '1.1'): string[][] {
  return parseAllDocumentsWithUniqueKeys(text, { version, prettyErrors: false }).map((d) =>
    d.errors.map((e) => `${e.code}@${String(e.pos[0])}`),
  );
}

describe('parseAllDocumentsWithUniqueKeys', () => {
  const cases: readonly (readonly [string, string, readonly (readonly string[])[]])[] = [
    ['no duplicates', 'a: 1\nb: 2\n', [[]]],
    ['a repeated key, reported at the repetition', 'a: 1\na: 2\n', [['DUPLICATE_KEY@5']]],
    ['every later repetition', 'a: 1\na: 2\na: 3\n', [['DUPLICATE_KEY@5', 'DUPLICATE_KEY@10']]],
    ['inside a flow mapping', 'x: {a: 1, a: 2}\n', [['DUPLICATE_KEY@10']]],
    ['inside a sequence item', '- b: 1\n  b: 2\n', [['DUPLICATE_KEY@9']]],
    ['keys equal once resolved (YAML 1.1 booleans)', 'yes: 1\ntrue: 2\n', [['DUPLICATE_KEY@7']]],
    ['NaN never equals itself', '.nan: 1\n.nan: 2\n', [[]]],
    ['at the key, not the end of an empty value before it', 'a: \na: 1\n', [['DUPLICATE_KEY@4']]],
    ['per document', 'a: 1\n---\nb: 1\nb: 2\n', [[], ['DUPLICATE_KEY@14']]],
  ];
  for (const [name, text, expected] of cases) it(name, () => assert.deepEqual(errors(text), expected));

  it('merges its errors with the syntax errors in position order', () => {
    assert.deepEqual(errors('a: 1\na: 2\nb: [\n'), [['DUPLICATE_KEY@5', 'BAD_INDENT@15']]);
    assert.deepEqual(errors('b: [\n  x\na: 1\na: 2\n'), [['BAD_INDENT@9', 'DUPLICATE_KEY@14']]);
  });

  it('reports the same errors, in the same order, as the library with uniqueKeys', () => {
    const key = fc.constantFrom(
      'a',
      'b',
      'yes',
      'true',
      '1',
      '0x1',
      '~',
      'null',
      '"a"',
      "'a'",
      '&x a',
      '!!str a',
      '.nan',
    );
    const value = fc.constantFrom('1', '', '{a: 1, a: 2}', '[x]', '{b: 1, c: 2, b: 3}');
    const text = fc
      .array(fc.tuple(key, value), { maxLength: 8 })
      .map((e) => e.map(([k, v]) => `${k}: ${v}\n`).join(''));
    const messages = (docs: readonly { readonly errors: readonly { code: string; message: string }[] }[]): string[][] =>
      docs.map((d) => d.errors.map((e) => `${e.code}: ${e.message.split('\n')[0] ?? ''}`));
    fc.assert(
      fc.property(
        fc.oneof(text, fc.string({ maxLength: 60 })),
        fc.constantFrom('1.1' as const, '1.2' as const),
        (t, version) => {
          const library = parseAllDocuments(t, { version, prettyErrors: false, uniqueKeys: true });
          assert.deepEqual(
            messages(parseAllDocumentsWithUniqueKeys(t, { version, prettyErrors: false })),
            messages(Array.isArray(library) ? library : []),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });
});
