/**
 * A self-contained HTML report page (inline CSS and JS, nothing fetched from the network), shared by the commands
 * that write `-o html FILE` (`psa audit`, `psa audit-log`).
 *
 * API (all output is a {@link SafeHtml}; plain strings are always escaped, so callers never escape by hand):
 * - `markup\`<p>${text}</p>\`` tagged template (not named `html` so Prettier leaves the markup alone): interpolated strings/numbers are escaped; SafeHtml values and arrays of
 *   them are inserted as they are. `rawHtml(s)` marks trusted markup; `escapeHtml(s)` for attribute-free text.
 * - `renderHtmlReport({title, subtitle?, meta?, cards, sections, footer?})` -> the whole document as a string.
 *   `cards`: `{label, value, detail?, tone?}` summary cards under the header; `sections`: `{id, title, intro?, body}`
 *   each with an anchor in the navigation bar.
 * - `sortableTable({columns, rows, caption?, id?, empty?})`: a table whose headers sort on click (numbers
 *   numerically, text by code point; a second click reverses). A cell is a string, number, SafeHtml or
 *   `{display, sort}` where `sort` (string or number) is what sorting compares.
 * - `stackedBarChart({title, series, bars, unit?})`: inline SVG horizontal bars, one per `bars[i]` (`label`,
 *   `values` aligned with `series`), each `series[j]` `{name, tone}` a colour; a legend under it.
 * - `codeBlock(text, {label?})`: a `<pre>` with a Copy button (clipboard API, falling back to a text selection).
 * - `badge(text, tone)` and `Tones` (`good`, `warn`, `bad`, `info`, `neutral`, `muted`), the palette everything uses.
 * Deterministic: the same input renders the same bytes (no clock, no random ids), so pages can be golden-tested.
 */

/** Markup that is safe to insert as it is. Only this module and `rawHtml` create it. */
export interface SafeHtml {
  readonly __html: string;
}

export const Tones = {
  good: 'good',
  warn: 'warn',
  bad: 'bad',
  info: 'info',
  neutral: 'neutral',
  muted: 'muted',
} as const;
export type Tone = (typeof Tones)[keyof typeof Tones];

/** The fill colour of each tone in charts (the CSS uses the same values as custom properties). */
const TONE_COLOURS: Readonly<Record<Tone, string>> = {
  good: '#1f9d55',
  warn: '#d98a00',
  bad: '#d64545',
  info: '#2f6fdb',
  neutral: '#6b7a90',
  muted: '#c5ccd6',
};

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Marks trusted markup (never pass user data). */
export function rawHtml(markup: string): SafeHtml {
  return { __html: markup };
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function isSafe(value: unknown): value is SafeHtml {
  return typeof value === 'object' && value !== null && '__html' in value;
}

function toMarkup(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(toMarkup).join('');
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return (value as SafeHtml).__html;
}

/** Tagged template: escapes every interpolated value that is not already SafeHtml. */
export function markup(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += toMarkup(values[i]) + (strings[i + 1] ?? '');
  return { __html: out };
}

export function badge(text: string, tone: Tone): SafeHtml {
  return markup`<span class="badge ${tone}">${text}</span>`;
}

export interface SummaryCard {
  readonly label: string;
  readonly value: string | number;
  readonly detail?: string;
  readonly tone?: Tone;
}

export interface ReportSection {
  /** The anchor (letters, digits, dashes). */
  readonly id: string;
  readonly title: string;
  readonly intro?: HtmlValue;
  readonly body: HtmlValue;
}

export interface HtmlReport {
  readonly title: string;
  readonly subtitle?: string;
  /** Small key/value facts in the header (source, generated at, version...). */
  readonly meta?: readonly (readonly [string, string])[];
  readonly cards: readonly SummaryCard[];
  readonly sections: readonly ReportSection[];
  readonly footer?: HtmlValue;
}

export type TableCell = string | number | SafeHtml | { readonly display: HtmlValue; readonly sort: string | number };

export interface TableColumn {
  readonly label: string;
  /** Right-aligned, sorted as numbers. */
  readonly numeric?: boolean;
}

export interface TableSpec {
  readonly columns: readonly TableColumn[];
  readonly rows: readonly (readonly TableCell[])[];
  readonly id?: string;
  readonly caption?: string;
  /** Shown instead of an empty table. */
  readonly empty?: string;
}

function cellParts(cell: TableCell): { display: HtmlValue; sort: string | number } {
  if (typeof cell === 'string' || typeof cell === 'number') return { display: cell, sort: cell };
  if (isSafe(cell)) return { display: cell, sort: '' };
  return cell;
}

/** A table sorted by clicking its headers (the page's script does the sorting; see SCRIPT). */
export function sortableTable(spec: TableSpec): SafeHtml {
  if (spec.rows.length === 0 && spec.empty !== undefined) return markup`<p class="empty">${spec.empty}</p>`;
  const head = spec.columns.map(
    (c, i) =>
      markup`<th scope="col" class="${c.numeric === true ? 'num' : ''}" data-col="${i}" data-type="${c.numeric === true ? 'number' : 'text'}" aria-sort="none"><button type="button">${c.label}<span class="arrow" aria-hidden="true"></span></button></th>`,
  );
  const body = spec.rows.map((row) => {
    const cells = row.map((cell, i) => {
      const { display, sort } = cellParts(cell);
      const numeric = spec.columns[i]?.numeric === true;
      return markup`<td${numeric ? rawHtml(' class="num"') : ''} data-sort="${String(sort)}">${display}</td>`;
    });
    return markup`<tr>${cells}</tr>`;
  });
  const id = spec.id === undefined ? '' : markup` id="${spec.id}"`;
  const caption = spec.caption === undefined ? '' : markup`<caption>${spec.caption}</caption>`;
  return markup`<div class="table-wrap"><table class="sortable"${id}>${caption}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

export interface ChartSeries {
  readonly name: string;
  readonly tone: Tone;
}

export interface ChartBar {
  readonly label: string;
  /** One value per series, in the series' order. */
  readonly values: readonly number[];
}

export interface ChartSpec {
  readonly title: string;
  readonly series: readonly ChartSeries[];
  readonly bars: readonly ChartBar[];
  /** Word after the total at the end of each bar ("pods"). */
  readonly unit?: string;
  /** The unit when the total is 1 ("pod"); `unit` otherwise. */
  readonly unitOne?: string;
}

const CHART = { width: 1000, labelWidth: 210, totalWidth: 90, row: 24, bar: 16, top: 8 } as const;

/** Horizontal stacked bars in inline SVG, with a legend and an accessible title. */
export function stackedBarChart(spec: ChartSpec): SafeHtml {
  const max = Math.max(1, ...spec.bars.map((b) => b.values.reduce((a, v) => a + Math.max(0, v), 0)));
  const plot = CHART.width - CHART.labelWidth - CHART.totalWidth;
  const height = CHART.top * 2 + spec.bars.length * CHART.row;
  const rows = spec.bars.map((bar, i) => {
    const y = CHART.top + i * CHART.row;
    let x = CHART.labelWidth;
    const total = bar.values.reduce((a, v) => a + Math.max(0, v), 0);
    const segments = bar.values.map((value, j) => {
      if (value <= 0) return '';
      const w = (value / max) * plot;
      const s = spec.series[j];
      const rect = markup`<rect x="${x.toFixed(1)}" y="${y + (CHART.row - CHART.bar) / 2}" width="${Math.max(w, 1).toFixed(1)}" height="${CHART.bar}" fill="${TONE_COLOURS[s?.tone ?? 'neutral']}"><title>${bar.label}: ${value} ${s?.name ?? ''}</title></rect>`;
      x += w;
      return rect;
    });
    const label = bar.label.length > 28 ? `${bar.label.slice(0, 27)}…` : bar.label;
    const word = total === 1 ? (spec.unitOne ?? spec.unit) : spec.unit;
    const unit = word === undefined ? '' : ` ${word}`;
    return markup`<g class="bar"><text x="${CHART.labelWidth - 8}" y="${y + CHART.row / 2}" text-anchor="end" dominant-baseline="middle">${label}<title>${bar.label}</title></text>${segments}<text class="total" x="${(x + 6).toFixed(1)}" y="${y + CHART.row / 2}" dominant-baseline="middle">${total}${unit}</text></g>`;
  });
  const legend = spec.series.map(
    (s) =>
      markup`<span class="key"><span class="swatch" style="background:${TONE_COLOURS[s.tone]}"></span>${s.name}</span>`,
  );
  return markup`<figure class="chart"><svg role="img" aria-label="${spec.title}" viewBox="0 0 ${CHART.width} ${height}" width="${CHART.width}" height="${height}" preserveAspectRatio="xMinYMin meet"><title>${spec.title}</title>${rows}</svg><figcaption><span class="chart-title">${spec.title}</span>${legend}</figcaption></figure>`;
}

/** A code block with a Copy button; the button copies the block's text exactly. */
export function codeBlock(text: string, options: { readonly label?: string } = {}): SafeHtml {
  const label = options.label === undefined ? '' : markup`<span class="code-label">${options.label}</span>`;
  return markup`<div class="code">${label}<button type="button" class="copy" aria-label="Copy to clipboard">Copy</button><pre><code>${text}</code></pre></div>`;
}

/** The whole page. */
export function renderHtmlReport(report: HtmlReport): string {
  const meta = (report.meta ?? []).map(([k, v]) => markup`<span><b>${k}</b> ${v}</span>`);
  const cards = report.cards.map((c) => {
    const detail = c.detail === undefined ? '' : markup`<div class="card-detail">${c.detail}</div>`;
    return markup`<div class="card ${c.tone ?? 'neutral'}"><div class="card-label">${c.label}</div><div class="card-value">${c.value}</div>${detail}</div>`;
  });
  const nav = report.sections.map((s) => markup`<a href="#${s.id}">${s.title}</a>`);
  const sections = report.sections.map((s) => {
    const intro = s.intro === undefined ? '' : markup`<p class="intro">${s.intro}</p>`;
    return markup`<section id="${s.id}"><h2>${s.title}</h2>${intro}${s.body}</section>`;
  });
  const subtitle = report.subtitle === undefined ? '' : markup`<p class="subtitle">${report.subtitle}</p>`;
  const footer = report.footer === undefined ? '' : markup`<footer>${report.footer}</footer>`;
  const page = markup`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${report.title}</title><style>${rawHtml(STYLE)}</style></head>
<body><header><div class="wrap"><h1>${report.title}</h1>${subtitle}<div class="meta">${meta}</div></div></header>
<nav><div class="wrap">${nav}</div></nav>
<main class="wrap"><div class="cards">${cards}</div>${sections}</main>${footer}
<script>${rawHtml(SCRIPT)}</script></body></html>
`;
  return page.__html;
}

const STYLE = `
:root{--good:${TONE_COLOURS.good};--warn:${TONE_COLOURS.warn};--bad:${TONE_COLOURS.bad};--info:${TONE_COLOURS.info};--neutral:${TONE_COLOURS.neutral};--muted:${TONE_COLOURS.muted};
--ink:#1b2430;--soft:#5b6676;--line:#e3e7ee;--bg:#f5f7fa;--panel:#fff;--head:#14213d}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
.wrap{max-width:1180px;margin:0 auto;padding:0 24px}
header{background:var(--head);color:#fff;padding:22px 0 18px}
header h1{margin:0;font-size:22px;font-weight:650;letter-spacing:.2px}
.subtitle{margin:4px 0 0;color:#c9d3e3}
.meta{margin-top:10px;display:flex;flex-wrap:wrap;gap:6px 18px;font-size:12.5px;color:#aab6c8}
.meta b{color:#dfe6f1;font-weight:600;margin-right:2px}
nav{background:#fff;border-bottom:1px solid var(--line)}
nav .wrap{display:flex;gap:4px;overflow-x:auto}
nav a{padding:10px 12px;color:var(--soft);text-decoration:none;font-weight:550;white-space:nowrap;border-bottom:2px solid transparent}
nav a:hover{color:var(--ink);border-bottom-color:var(--info)}
main.wrap{padding:20px 24px 40px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-bottom:8px}
.card{background:var(--panel);border:1px solid var(--line);border-left:4px solid var(--neutral);border-radius:8px;padding:12px 14px}
.card.good{border-left-color:var(--good)}.card.warn{border-left-color:var(--warn)}.card.bad{border-left-color:var(--bad)}.card.info{border-left-color:var(--info)}.card.muted{border-left-color:var(--muted)}
.card-label{font-size:12px;text-transform:uppercase;letter-spacing:.6px;color:var(--soft)}
.card-value{font-size:26px;font-weight:650;margin-top:2px;font-variant-numeric:tabular-nums}
.card-detail{font-size:12.5px;color:var(--soft)}
section{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:16px 18px;margin-top:18px}
section h2{margin:0 0 8px;font-size:17px}
section h3{margin:18px 0 6px;font-size:14.5px}
.intro{margin:0 0 12px;color:var(--soft)}
.empty{color:var(--soft);font-style:italic}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:13px}
caption{text-align:left;color:var(--soft);padding:0 0 6px}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
th{background:#f0f3f8;white-space:nowrap}
th button{all:unset;cursor:pointer;font-weight:600;color:var(--ink);display:inline-flex;gap:4px;align-items:center}
th button:focus-visible{outline:2px solid var(--info);outline-offset:2px}
th[aria-sort=ascending] .arrow::after{content:"\\25B2";font-size:9px}
th[aria-sort=descending] .arrow::after{content:"\\25BC";font-size:9px}
th[aria-sort=none] .arrow::after{content:"\\21C5";font-size:10px;color:var(--muted)}
tbody tr:hover{background:#f8fafc}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;white-space:nowrap;background:#eef1f5;color:var(--neutral)}
.badge.good{background:#e3f4ea;color:#17703d}.badge.warn{background:#fdf1dc;color:#8a5800}.badge.bad{background:#fbe5e5;color:#a52f2f}.badge.info{background:#e4edfb;color:#1f4fa3}.badge.muted{background:#f1f3f6;color:#7d8795}
code,pre{font:12.5px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.code{position:relative;margin:8px 0 14px;border:1px solid var(--line);border-radius:6px;background:#0f1725}
.code pre{margin:0;padding:12px 14px;color:#e6edf7;overflow-x:auto;white-space:pre}
.code-label{display:block;padding:6px 14px 0;font-size:12px;color:#9fb0c8}
.copy{position:absolute;top:6px;right:6px;border:1px solid #3a4a63;background:#1d2a40;color:#dfe6f1;border-radius:5px;padding:2px 10px;font-size:12px;cursor:pointer}
.copy:hover{background:#28395a}.copy.done{background:var(--good);border-color:var(--good)}
.chart{margin:4px 0 8px}
.chart svg{display:block;max-width:100%;height:auto}
.chart text{font-size:12px;fill:var(--ink)}
.chart text.total{fill:var(--soft)}
figcaption{display:flex;flex-wrap:wrap;gap:4px 16px;align-items:center;font-size:12.5px;color:var(--soft);margin-top:6px}
.chart-title{font-weight:600;color:var(--ink);margin-right:8px}
.key{display:inline-flex;align-items:center;gap:6px}
.swatch{width:12px;height:12px;border-radius:3px;display:inline-block}
details{margin:6px 0;border:1px solid var(--line);border-radius:6px;padding:6px 10px;background:#fbfcfd}
details>summary{cursor:pointer;font-weight:600}
ul.reasons{margin:6px 0;padding-left:20px}
.zero{color:var(--muted)}
small{color:var(--soft)}
footer{color:var(--soft);font-size:12px;text-align:center;padding:0 0 30px}
@media print{nav,.copy{display:none}section{break-inside:avoid}}
`;

// Sorting and copying; no user data is ever placed in the script.
const SCRIPT = `
(function(){
  function key(td,type){var v=td?td.getAttribute('data-sort'):'';if(type==='number'){var n=parseFloat(v);return isNaN(n)?-Infinity:n;}return v||'';}
  document.querySelectorAll('table.sortable').forEach(function(table){
    table.querySelectorAll('th').forEach(function(th){
      th.querySelector('button').addEventListener('click',function(){
        var col=Number(th.getAttribute('data-col')),type=th.getAttribute('data-type');
        var dir=th.getAttribute('aria-sort')==='ascending'?'descending':'ascending';
        table.querySelectorAll('th').forEach(function(o){o.setAttribute('aria-sort','none');});
        th.setAttribute('aria-sort',dir);
        var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
        rows.sort(function(a,b){var x=key(a.cells[col],type),y=key(b.cells[col],type);var c=x<y?-1:x>y?1:0;return dir==='ascending'?c:-c;});
        rows.forEach(function(r){body.appendChild(r);});
      });
    });
  });
  document.querySelectorAll('.code .copy').forEach(function(button){
    button.addEventListener('click',function(){
      var text=button.parentNode.querySelector('code').textContent;
      function done(){button.textContent='Copied';button.classList.add('done');setTimeout(function(){button.textContent='Copy';button.classList.remove('done');},1500);}
      function fallback(){var range=document.createRange();range.selectNodeContents(button.parentNode.querySelector('code'));var sel=window.getSelection();sel.removeAllRanges();sel.addRange(range);try{document.execCommand('copy');done();}catch(e){button.textContent='Press Ctrl+C';}}
      if(navigator.clipboard&&window.isSecureContext){navigator.clipboard.writeText(text).then(done,fallback);}else{fallback();}
    });
  });
})();
`;
