import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMarkdownTable, formatTable } from './table.ts';

const columns = [{ header: 'case' }, { header: 'ops/s', align: 'right' as const }];
const rows = [
  ['small pod', '1,000'],
  ['a|b', '12'],
];

describe('formatTable', () => {
  it('pads columns to the widest cell and right-aligns numbers', () => {
    assert.equal(
      formatTable(columns, rows),
      ['case       ops/s', '---------  -----', 'small pod  1,000', 'a|b           12'].join('\n'),
    );
  });
  it('fills missing cells', () => {
    assert.equal(formatTable(columns, [['x']]), ['case  ops/s', '----  -----', 'x'].join('\n'));
  });
});

describe('formatMarkdownTable', () => {
  it('writes a GitHub table with alignment and escaped pipes', () => {
    assert.equal(
      formatMarkdownTable(columns, rows),
      ['| case | ops/s |', '|---|---:|', '| small pod | 1,000 |', '| a\\|b | 12 |'].join('\n'),
    );
  });
});
