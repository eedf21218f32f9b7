import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseSelector, SelectorError } from './selector.ts';

it('matches the equality- and set-based selector forms', () => {
  const labels = { app: 'web', tier: 'front' };
  const table: readonly [string, boolean][] = [
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app!=api', true],
    ['missing!=x', true],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['tier in (front, back)', true],
    ['tier notin (front)', false],
    ['missing notin (x)', true],
    ['app=web,tier=back', false],
    ['app=web, tier in (front)', true],
  ];
  for (const [selector, expected] of table) assert.equal(parseSelector(selector)(labels), expected, selector);
  assert.throws(() => parseSelector('a=(b'), SelectorError);
});
