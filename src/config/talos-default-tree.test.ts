import assert from 'node:assert/strict';
import { it } from 'node:test';
import { TALOS_DEFAULT_MACHINE_CONFIG } from './talos.ts';
import { TALOS_DEFAULT_TREE } from './talos-default-tree.ts';
import { parseDocuments } from './tree.ts';

it('the pre-parsed built-in default is the parse of TALOS_DEFAULT_MACHINE_CONFIG', () => {
  const parsed = parseDocuments(TALOS_DEFAULT_MACHINE_CONFIG, '<talos-default>');
  assert.deepEqual(parsed.problems, []);
  const roots = parsed.documents.map((d) => d.root);
  assert.deepEqual(
    TALOS_DEFAULT_TREE,
    roots,
    `talos-default-tree.ts is stale; its JSON is now:\n${JSON.stringify(roots)}`,
  );
});
