import assert from 'node:assert/strict';
import { it } from 'node:test';
import { invalidNamespaceName } from './namespace-source.ts';

// client-go's texts, as upstream's webhook reports them (found by the long fuzz differential: "broke/").
const cases: readonly [string, string | undefined][] = [
  ['default', undefined],
  ['broke/', `invalid resource name "broke/": [may not contain '/']`],
  ['a/%b', `invalid resource name "a/%b": [may not contain '/' may not contain '%']`],
  ['..', `invalid resource name "..": [may not be '..']`],
  ['.', `invalid resource name ".": [may not be '.']`],
  ['a.b', undefined],
];
for (const [name, message] of cases) {
  it(`namespace name ${JSON.stringify(name)}`, () => assert.equal(invalidNamespaceName(name)?.message, message));
}
