import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeData, escapeProperty, formatAnnotation } from './github.ts';
import { escapeCell } from './markdown.ts';

describe('GitHub workflow command escaping', () => {
  const cases = [
    { text: 'plain', data: 'plain', property: 'plain' },
    { text: '100%', data: '100%25', property: '100%25' },
    { text: '%0A is not a newline', data: '%250A is not a newline', property: '%250A is not a newline' },
    { text: 'a\nb\r\nc', data: 'a%0Ab%0D%0Ac', property: 'a%0Ab%0D%0Ac' },
    { text: 'restricted:latest, v1.30', data: 'restricted:latest, v1.30', property: 'restricted%3Alatest%2C v1.30' },
    { text: 'dir,with:odd%name.yaml', data: 'dir,with:odd%25name.yaml', property: 'dir%2Cwith%3Aodd%25name.yaml' },
  ];
  for (const c of cases) {
    it(JSON.stringify(c.text), () => {
      assert.equal(escapeData(c.text), c.data);
      assert.equal(escapeProperty(c.text), c.property);
    });
  }

  it('formats a command: properties escaped, no file for stdin, line and col only when known', () => {
    assert.equal(
      formatAnnotation('error', { file: 'a,b.yaml', line: 3, col: 7, title: 'x: y' }, 'm\n%'),
      '::error file=a%2Cb.yaml,line=3,col=7,title=x%3A y::m%0A%25\n',
    );
    assert.equal(formatAnnotation('notice', { file: '-', title: 't' }, 'm'), '::notice title=t::m\n');
  });
});

describe('Markdown table cells', () => {
  const cases = [
    ['drop=["ALL"]', 'drop=\\["ALL"\\]'],
    ['a | b', 'a \\| b'],
    ['<script>&', '&lt;script&gt;&amp;'],
    ['line\nbreak', 'line<br>break'],
    ['`code` *em* _u_ #1 ~s~', '\\`code\\` \\*em\\* \\_u\\_ \\#1 \\~s\\~'],
  ] as const;
  for (const [text, cell] of cases) it(JSON.stringify(text), () => assert.equal(escapeCell(text), cell));
});
