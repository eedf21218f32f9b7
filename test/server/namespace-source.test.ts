// The lookup errors a namespace source gives admission: the API server's texts, which upstream's audit annotations
// carry after `failed to lookup namespace "<name>": `.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyNamespaceName, namespaceNotFound } from '../../src/server/namespace-source.ts';

describe('namespace lookup errors', () => {
  const notFound: readonly (readonly [string, string])[] = [
    ['team', 'namespaces "team" not found'],
    // The API server quotes the name with Go's %q.
    ['"quoted"', 'namespaces "\\"quoted\\"" not found'],
    ['tab\there', 'namespaces "tab\\there" not found'],
    ['<>&', 'namespaces "<>&" not found'],
    ['kube-\u2028system', 'namespaces "kube-\\u2028system" not found'],
  ];
  for (const [name, message] of notFound) {
    it(`NotFound for ${JSON.stringify(name)}`, () => {
      assert.equal(namespaceNotFound(name).message, message);
    });
  }

  it('an empty name is refused as client-go refuses it, before any request', () => {
    assert.equal(emptyNamespaceName().message, 'resource name may not be empty');
  });
});
