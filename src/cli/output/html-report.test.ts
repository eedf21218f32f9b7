import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  badge,
  codeBlock,
  escapeHtml,
  markup,
  rawHtml,
  renderHtmlReport,
  sortableTable,
  stackedBarChart,
} from './html-report.ts';

const HOSTILE = `<script>alert("x")</script>&'`;

test('escapeHtml escapes the five markup characters', () => {
  assert.equal(escapeHtml(HOSTILE), '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
});

test('html escapes interpolated text, keeps SafeHtml and flattens arrays', () => {
  const out = markup`<p title="${HOSTILE}">${[HOSTILE, rawHtml('<b>ok</b>'), 3, null, undefined, false]}</p>`;
  assert.equal(
    out.__html,
    '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;<b>ok</b>3</p>',
  );
});

test('no user text reaches the page unescaped', () => {
  const page = renderHtmlReport({
    title: HOSTILE,
    subtitle: HOSTILE,
    meta: [[HOSTILE, HOSTILE]],
    cards: [{ label: HOSTILE, value: HOSTILE, detail: HOSTILE, tone: 'bad' }],
    sections: [
      {
        id: 'a',
        title: HOSTILE,
        intro: HOSTILE,
        body: [
          sortableTable({ columns: [{ label: HOSTILE }], rows: [[HOSTILE], [{ display: HOSTILE, sort: HOSTILE }]] }),
          stackedBarChart({
            title: HOSTILE,
            series: [{ name: HOSTILE, tone: 'good' }],
            bars: [{ label: HOSTILE, values: [1] }],
          }),
          codeBlock(HOSTILE, { label: HOSTILE }),
          badge(HOSTILE, 'warn'),
        ],
      },
    ],
    footer: HOSTILE,
  });
  assert.equal(page.includes('<script>alert'), false);
  assert.equal(page.split('<script>').length, 2, 'only the page script');
  assert.match(page, /^<!doctype html>/);
  assert.match(page, /Content-Security-Policy/);
  assert.equal(/https?:\/\//.test(page), false, 'nothing fetched from the network');
});

test('sortableTable: numeric columns carry sort keys; empty tables show their message', () => {
  const table = sortableTable({
    columns: [{ label: 'name' }, { label: 'pods', numeric: true }],
    rows: [
      ['b', 10],
      ['a', { display: '2 pods', sort: 2 }],
    ],
    id: 't',
  }).__html;
  assert.match(table, /<th scope="col" class="num" data-col="1" data-type="number"/);
  assert.match(table, /<td class="num" data-sort="2">2 pods<\/td>/);
  assert.match(table, /<table class="sortable" id="t">/);
  assert.equal(
    sortableTable({ columns: [{ label: 'x' }], rows: [], empty: 'nothing' }).__html,
    '<p class="empty">nothing</p>',
  );
});

test('stackedBarChart: segment widths are proportional to the largest total', () => {
  const svg = stackedBarChart({
    title: 'pods',
    series: [
      { name: 'ok', tone: 'good' },
      { name: 'bad', tone: 'bad' },
    ],
    bars: [
      { label: 'one', values: [3, 1] },
      { label: 'two', values: [0, 2] },
    ],
    unit: 'pods',
  }).__html;
  const widths = [...svg.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
  // plot width 700: 3/4, 1/4 of it for the first bar, 2/4 for the second (no rect for a zero value)
  assert.deepEqual(widths, [525, 175, 350]);
  assert.match(svg, />4 pods<\/text>/);
  assert.match(svg, /<span class="swatch" style="background:#d64545"><\/span>bad/);
});

test('the page is deterministic', () => {
  const report = {
    title: 't',
    cards: [{ label: 'a', value: 1 }],
    sections: [{ id: 's', title: 'S', body: codeBlock('x') }],
  };
  assert.equal(renderHtmlReport(report), renderHtmlReport(report));
});
