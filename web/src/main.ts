/**
 * The playground page: a CodeMirror editor for the manifests, the cluster configuration form, and three views that
 * print what `psa check`, `psa explain` and `psa fix` print (engine.ts runs the CLI's own code). The state lives in the
 * URL fragment; nothing is fetched after the page loads.
 */
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { EditorState, StateEffect, StateField } from '@codemirror/state';
import {
  Decoration,
  type DecorationSet,
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { diffLines, type DiffLine } from './diff.ts';
import {
  type CheckOutcome,
  type ConfigKind,
  ConfigKinds,
  DEFAULT_STATE,
  type ExplainOutcome,
  type FixOutcome,
  type PlaygroundState,
  runPlaygroundCheck,
  runPlaygroundExplain,
  runPlaygroundFix,
  stripMarkup,
} from './engine.ts';
import { joinManifests } from './examples.ts';
import { SEED_MANIFESTS } from './seed.ts';
import { decodeState, encodeState } from './url-state.ts';

/** Links longer than this are not written to the address bar (browsers and chat tools truncate them). */
const MAX_LINK_LENGTH = 60_000;

/** The page's element `#id`, checked to be of the expected type (a broken page says so instead of failing later). */
function element<T extends HTMLElement>(id: string, type: abstract new () => T): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`the page has no ${type.name} #${id}`);
  return found;
}

const ui = {
  configKind: element('config-kind', HTMLSelectElement),
  levels: element('levels', HTMLElement),
  enforce: element('level-enforce', HTMLInputElement),
  audit: element('level-audit', HTMLInputElement),
  warn: element('level-warn', HTMLInputElement),
  configFile: element('config-file', HTMLElement),
  configText: element('config-text', HTMLTextAreaElement),
  patchesRow: element('patches-row', HTMLElement),
  patches: element('patches', HTMLElement),
  addPatch: element('add-patch', HTMLButtonElement),
  namespaceLabels: element('namespace-labels', HTMLTextAreaElement),
  namespace: element('namespace', HTMLInputElement),
  fileName: element('file-name', HTMLElement),
  verdict: element('verdict', HTMLElement),
  command: element('command', HTMLElement),
  checkOutput: element('check-output', HTMLElement),
  explain: element('explain', HTMLElement),
  fix: element('fix', HTMLElement),
  fixLevel: element('fix-level', HTMLInputElement),
  fixStatus: element('fix-status', HTMLElement),
  loadExample: element('load-example', HTMLButtonElement),
  openFile: element('open-file', HTMLButtonElement),
  fileInput: element('file-input', HTMLInputElement),
  share: element('share', HTMLButtonElement),
};

// ---- editor line marks: the focused object, its failing fields, and lines with input errors ----

interface Marks {
  readonly errors: readonly number[];
  readonly fields: readonly number[];
  readonly focus: readonly number[];
}

const setMarks = StateEffect.define<Marks>();
let marks: Marks = { errors: [], fields: [], focus: [] };

function buildMarks(state: EditorState, m: Marks): DecorationSet {
  const classOf = new Map<number, string>();
  for (const line of m.errors) classOf.set(line, 'cm-psa-error');
  for (const line of m.fields) classOf.set(line, 'cm-psa-field');
  for (const line of m.focus) classOf.set(line, 'cm-psa-focus');
  const lines = [...classOf.keys()].filter((l) => l >= 1 && l <= state.doc.lines).sort((a, b) => a - b);
  return Decoration.set(lines.map((l) => Decoration.line({ class: classOf.get(l)! }).range(state.doc.line(l).from)));
}

const marksField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(decorations, tr) {
    let next = decorations.map(tr.changes);
    for (const effect of tr.effects) if (effect.is(setMarks)) next = buildMarks(tr.state, effect.value);
    return next;
  },
  provide: (field) => EditorView.decorations.from(field),
});

function showMarks(next: Marks, scrollTo?: { line: number; column?: number; top?: boolean }): void {
  marks = next;
  const effects: StateEffect<unknown>[] = [setMarks.of(next)];
  const doc = view.state.doc;
  let selection: { anchor: number } | undefined;
  if (scrollTo !== undefined && scrollTo.line >= 1 && scrollTo.line <= doc.lines) {
    const line = doc.line(scrollTo.line);
    const pos = Math.min(line.from + Math.max(0, (scrollTo.column ?? 1) - 1), line.to);
    effects.push(EditorView.scrollIntoView(pos, scrollTo.top === true ? { y: 'start', yMargin: 24 } : { y: 'center' }));
    selection = { anchor: pos };
  }
  view.dispatch({ effects, ...(selection === undefined ? {} : { selection }) });
}

// ---- state ----

let state: PlaygroundState = DEFAULT_STATE;

function readForm(): PlaygroundState {
  return {
    ...state,
    manifests: view.state.doc.toString(),
    configKind: ui.configKind.value as ConfigKind,
    levels: { enforce: ui.enforce.value.trim(), audit: ui.audit.value.trim(), warn: ui.warn.value.trim() },
    configText: ui.configText.value,
    patches: [...ui.patches.querySelectorAll('textarea')].map((t) => t.value),
    namespaceLabels: ui.namespaceLabels.value,
    namespace: ui.namespace.value.trim(),
    fixLevel: ui.fixLevel.value.trim(),
  };
}

function addPatchBox(text: string): void {
  const row = document.createElement('div');
  row.className = 'patch';
  const area = document.createElement('textarea');
  area.rows = 4;
  area.spellcheck = false;
  area.value = text;
  area.placeholder =
    'cluster:\n  apiServer:\n    admissionControl:\n      - name: PodSecurity\n        configuration: ...';
  area.addEventListener('input', scheduleRun);
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'small';
  remove.textContent = 'Remove';
  remove.addEventListener('click', () => {
    row.remove();
    numberPatches();
    scheduleRun();
  });
  row.append(area, remove);
  ui.patches.append(row);
  numberPatches();
}

function numberPatches(): void {
  ui.patches.querySelectorAll('textarea').forEach((t, i) => (t.title = `patch-${i + 1}.yaml`));
}

function showConfigFields(kind: ConfigKind): void {
  ui.levels.hidden = kind !== ConfigKinds.levels;
  ui.configFile.hidden = kind !== ConfigKinds.file;
  ui.patchesRow.hidden = kind === ConfigKinds.levels;
}

function applyState(next: PlaygroundState): void {
  state = next;
  ui.configKind.value = next.configKind;
  ui.enforce.value = next.levels.enforce;
  ui.audit.value = next.levels.audit;
  ui.warn.value = next.levels.warn;
  ui.configText.value = next.configText;
  ui.patches.replaceChildren();
  for (const p of next.patches) addPatchBox(p);
  ui.namespaceLabels.value = next.namespaceLabels;
  ui.namespace.value = next.namespace === 'default' ? '' : next.namespace;
  ui.fixLevel.value = next.fixLevel;
  ui.fileName.textContent = next.fileName;
  showConfigFields(next.configKind);
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next.manifests } });
}

// ---- rendering ----

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escapeHtml = (s: string): string => s.replace(/[&<>"]/g, (c) => ESCAPES[c]!);

/** The palette's markers as spans (engine.ts's markupPalette), the rest escaped. */
function markupToHtml(text: string): string {
  let html = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\uE000') {
      html += `<span class="${text[i + 1] ?? ''}">`;
      i += 2;
    } else if (c === '\uE001') {
      html += '</span>';
      i++;
    } else {
      const next = text.slice(i).search(/[\uE000\uE001]/);
      const end = next < 0 ? text.length : i + next;
      html += escapeHtml(text.slice(i, end));
      i = end;
    }
  }
  return html;
}

/** `file:line[:col]` at the start of an output line (after `error: ` on stderr), for lines of the editor's file. */
function locatorOf(plain: string, fileName: string): { line: number; column: number | undefined } | undefined {
  const rest = plain.startsWith('error: ') ? plain.slice(7) : plain;
  if (!rest.startsWith(`${fileName}:`)) return undefined;
  const m = /^(\d+)(?::(\d+))?:/.exec(rest.slice(fileName.length + 1));
  if (m === null) return undefined;
  return { line: Number(m[1]), column: m[2] === undefined ? undefined : Number(m[2]) };
}

function verdictBadge(outcome: CheckOutcome): { text: string; kind: string } {
  const s = outcome.summary;
  if (s === undefined) return { text: 'configuration error', kind: 'errors' };
  if (s.errors > 0) return { text: `${s.errors} ${s.errors === 1 ? 'error' : 'errors'}`, kind: 'errors' };
  if (s.refused > 0) return { text: `${s.refused} would be refused`, kind: 'refused' };
  if (s.warned > 0) return { text: `${s.warned} with warnings`, kind: 'warned' };
  if (s.objects + s.namespaces === 0) return { text: 'nothing to check', kind: '' };
  return { text: 'no violations', kind: 'clean' };
}

function renderCheck(outcome: CheckOutcome): void {
  const objects = new Map(outcome.objects.map((o) => [o.line, o]));
  let html = '';
  for (const chunk of outcome.output) {
    const lines = chunk.text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    for (const line of lines) {
      const body = markupToHtml(line);
      const at = locatorOf(stripMarkup(line), state.fileName);
      const cls = chunk.stream === 'stderr' ? 'stderr' : '';
      if (at === undefined) {
        html += cls === '' ? `${body}\n` : `<span class="${cls}">${body}</span>\n`;
        continue;
      }
      const object = chunk.stream === 'stdout' ? objects.get(at.line) : undefined;
      const fields = object === undefined ? '' : ` data-fields="${object.fieldLines.join(',')}"`;
      const column = at.column === undefined ? '' : ` data-col="${at.column}"`;
      html += `<span class="loc ${cls}" data-line="${at.line}"${column}${fields} title="Show in the editor">${body}</span>\n`;
    }
  }
  ui.checkOutput.innerHTML = html;
  const badge = verdictBadge(outcome);
  ui.verdict.textContent = `${badge.text} · exit ${outcome.exitCode}`;
  ui.verdict.className = `badge ${badge.kind}`;
  ui.command.textContent = outcome.command;
  ui.command.title = `The same check from files: ${outcome.command}`;
}

function renderExplain(outcome: ExplainOutcome): void {
  const parts: string[] = [];
  for (const error of outcome.errors) {
    const at = locatorOf(error, state.fileName);
    const attrs = at === undefined ? '' : ` class="loc stderr" data-line="${at.line}" data-col="${at.column ?? 1}"`;
    parts.push(`<div class="entry"><span${attrs === '' ? ' class="stderr"' : attrs}>${escapeHtml(error)}</span></div>`);
  }
  for (const entry of outcome.entries) {
    // One block per line with a hanging indent, so a wrapped line stays under its parent.
    const lines = entry.text.split('\n').map((line, i) => {
      if (i === 0) return `<div class="loc" data-line="${entry.line}">${markupToHtml(line)}</div>`;
      const plain = stripMarkup(line);
      const trimmed = plain.trimStart();
      const indent = Math.min(8, plain.length - trimmed.length);
      const path = entry.paths.find((p) => trimmed.startsWith(`${p.path}: `));
      const body =
        path === undefined
          ? markupToHtml(line.replace(/^ +/, ''))
          : `<span class="path" data-line="${path.line}" data-fields="${path.line}">${escapeHtml(path.path)}</span>${escapeHtml(trimmed.slice(path.path.length))}`;
      return `<div class="xl i${indent}">${body}</div>`;
    });
    parts.push(`<div class="entry">${lines.join('')}</div>`);
  }
  ui.explain.innerHTML =
    parts.length > 0 ? parts.join('') : '<p class="placeholder">No pod-bearing objects to explain.</p>';
}

/** Unchanged runs longer than this are folded to their first and last lines of context. */
const CONTEXT = 3;

function renderDiffLine(d: DiffLine): string {
  const sign = d.op === 'added' ? '+' : d.op === 'removed' ? '-' : ' ';
  const go = d.op === 'added' ? '' : ` data-line="${d.line}"`;
  return `<div class="dl ${d.op}${d.op === 'added' ? '' : ' loc'}"${go}><span class="ln">${d.line}</span><span>${sign}</span><span>${escapeHtml(d.text)}</span></div>`;
}

function renderFix(outcome: FixOutcome): void {
  if (outcome.usageError !== undefined) {
    ui.fix.innerHTML = `<span class="stderr">psa fix: ${escapeHtml(outcome.usageError)}</span>`;
    ui.fixStatus.textContent = 'exit 2';
    return;
  }
  const diff = outcome.changed ? diffLines(outcome.before, outcome.after) : [];
  const html: string[] = [];
  let i = 0;
  while (i < diff.length) {
    if (diff[i]!.op !== 'same') {
      html.push(renderDiffLine(diff[i]!));
      i++;
      continue;
    }
    let end = i;
    while (end < diff.length && diff[end]!.op === 'same') end++;
    const run = diff.slice(i, end);
    const head = i === 0 ? 0 : CONTEXT;
    const tail = end === diff.length ? 0 : CONTEXT;
    if (run.length > head + tail + 1) {
      for (const d of run.slice(0, head)) html.push(renderDiffLine(d));
      html.push(`<div class="fold">… ${run.length - head - tail} unchanged lines</div>`);
      for (const d of run.slice(run.length - tail)) html.push(renderDiffLine(d));
    } else {
      for (const d of run) html.push(renderDiffLine(d));
    }
    i = end;
  }
  if (!outcome.changed) html.push('<p class="placeholder">No safe fixes to apply at this level.</p>');
  if (outcome.diagnostics.length > 0) {
    const notes = outcome.diagnostics.map((d) =>
      d.startsWith('error: ') ? `<span class="stderr">${escapeHtml(d)}</span>` : escapeHtml(d),
    );
    html.push(`<div class="diff-notes">${notes.join('\n')}</div>`);
  }
  ui.fix.innerHTML = html.join('');
  const changed = diff.filter((d) => d.op === 'added').length;
  ui.fixStatus.textContent = `${outcome.changed ? `+${changed} lines` : 'unchanged'} · exit ${outcome.exitCode}`;
}

function renderFailure(error: unknown): void {
  // Never a blank page: a bug shows as the CLI would report it.
  const message = error instanceof Error ? error.message : String(error);
  ui.checkOutput.innerHTML = `<span class="stderr">psa: internal error: ${escapeHtml(message)}</span>`;
  ui.verdict.textContent = 'internal error';
  ui.verdict.className = 'badge errors';
}

// ---- running ----

let runId = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

function scheduleRun(): void {
  clearTimeout(timer);
  timer = setTimeout(() => void run(), 200);
}

async function run(): Promise<void> {
  clearTimeout(timer);
  const id = ++runId;
  const started = performance.now();
  state = readForm();
  const current = state;
  let check: CheckOutcome;
  try {
    check = await runPlaygroundCheck(current);
  } catch (error) {
    if (id === runId) renderFailure(error);
    return;
  }
  if (id !== runId) return;
  renderCheck(check);
  const errorLines = check.problems.flatMap((p) =>
    p.file === current.fileName && p.position !== undefined ? [p.position.line] : [],
  );
  showMarks({ errors: errorLines, fields: [], focus: [] });
  document.body.dataset['run'] = String(id);
  window.dispatchEvent(new CustomEvent('psa:rendered', { detail: { run: id, ms: performance.now() - started } }));
  // Explain and fix after the verdict is on screen: they evaluate every version, the verdict only one.
  setTimeout(() => void details(id, current), 0);
  scheduleLink();
}

async function details(id: number, current: PlaygroundState): Promise<void> {
  try {
    const explained = await runPlaygroundExplain(current);
    if (id !== runId) return;
    renderExplain(explained);
    renderFix(runPlaygroundFix(current));
  } catch (error) {
    if (id === runId)
      ui.explain.textContent = `psa: internal error: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (id === runId) document.body.dataset['details'] = String(id);
}

let linkTimer: ReturnType<typeof setTimeout> | undefined;
let linkTooLong = false;

function scheduleLink(): void {
  clearTimeout(linkTimer);
  linkTimer = setTimeout(() => void writeLink(), 300);
}

async function writeLink(): Promise<string> {
  const fragment = await encodeState(state);
  linkTooLong = fragment.length > MAX_LINK_LENGTH;
  if (!linkTooLong && location.hash !== `#${fragment}`) window.history.replaceState(null, '', `#${fragment}`);
  if (linkTooLong) window.history.replaceState(null, '', location.pathname + location.search);
  return `${location.origin}${location.pathname}${location.search}#${fragment}`;
}

function toast(text: string): void {
  let el = document.querySelector<HTMLElement>('.toast');
  if (el === null) {
    el = document.createElement('div');
    el.className = 'toast';
    document.body.append(el);
  }
  el.textContent = text;
  el.classList.add('show');
  setTimeout(() => el.classList.remove('show'), 1800);
}

// ---- editor ----

async function loadFiles(files: readonly File[]): Promise<void> {
  if (files.length === 0) return;
  const texts = await Promise.all(files.map((f) => f.text()));
  const name = files.length === 1 ? files[0]!.name : 'manifests.yaml';
  state = { ...readForm(), fileName: name };
  ui.fileName.textContent = name;
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: joinManifests(texts) } });
  await run();
}

const view = new EditorView({
  parent: element('editor', HTMLElement),
  state: EditorState.create({
    doc: '',
    extensions: [
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightActiveLine(),
      drawSelection(),
      history(),
      indentOnInput(),
      bracketMatching(),
      yaml(),
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
      keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
      marksField,
      EditorView.contentAttributes.of({ 'aria-label': 'Kubernetes manifests (YAML or JSON)' }),
      EditorView.domEventHandlers({
        drop(event) {
          const files = [...(event.dataTransfer?.files ?? [])];
          if (files.length === 0) return false;
          event.preventDefault();
          void loadFiles(files);
          return true;
        },
      }),
      EditorView.updateListener.of((update) => {
        if (!update.docChanged) return;
        const pasted = update.transactions.some((tr) => tr.isUserEvent('input.paste') || tr.isUserEvent('input.drop'));
        if (pasted) void run();
        else if (
          update.transactions.some(
            (tr) =>
              tr.isUserEvent('input') || tr.isUserEvent('delete') || tr.isUserEvent('undo') || tr.isUserEvent('redo'),
          )
        )
          scheduleRun();
      }),
    ],
  }),
});

// ---- wiring ----

function onLocatorClick(event: MouseEvent): void {
  const target = (event.target as HTMLElement).closest<HTMLElement>('[data-line]');
  if (target === null) return;
  const line = Number(target.dataset['line']);
  const column = target.dataset['col'] === undefined ? undefined : Number(target.dataset['col']);
  const fields = (target.dataset['fields'] ?? '')
    .split(',')
    .filter((f) => f !== '')
    .map(Number);
  const focus = target.classList.contains('path') ? [] : [line];
  // An object scrolls to the top of the editor (its failing fields below it); a field or an error to the middle.
  const isObject = focus.length > 0 && fields.length > 0;
  showMarks(
    { errors: marks.errors, fields, focus },
    {
      line: focus.length === 0 && fields.length > 0 ? fields[0]! : line,
      top: isObject,
      ...(column === undefined ? {} : { column }),
    },
  );
}

for (const pane of [ui.checkOutput, ui.explain, ui.fix]) pane.addEventListener('click', onLocatorClick);
ui.configKind.addEventListener('change', () => {
  showConfigFields(ui.configKind.value as ConfigKind);
  void run();
});
for (const input of [ui.enforce, ui.audit, ui.warn, ui.configText, ui.namespaceLabels, ui.namespace, ui.fixLevel])
  input.addEventListener('input', scheduleRun);
ui.addPatch.addEventListener('click', () => {
  addPatchBox('');
  ui.patches.querySelector<HTMLTextAreaElement>('.patch:last-child textarea')?.focus();
});
ui.loadExample.addEventListener('click', () => {
  applyState({ ...readForm(), fileName: DEFAULT_STATE.fileName, manifests: SEED_MANIFESTS });
  void run();
});
ui.openFile.addEventListener('click', () => ui.fileInput.click());
ui.fileInput.addEventListener('change', () => void loadFiles([...(ui.fileInput.files ?? [])]));
ui.share.addEventListener('click', () => {
  void writeLink().then(async (link) => {
    if (linkTooLong) {
      toast('Too large for a link: share the files instead');
      return;
    }
    try {
      await navigator.clipboard.writeText(link);
      toast('Link copied');
    } catch {
      window.prompt('Copy this link', link);
    }
  });
});
window.addEventListener('hashchange', () => {
  void decodeState(location.hash).then((restored) => {
    if (restored === undefined || JSON.stringify(restored) === JSON.stringify(state)) return;
    applyState(restored);
    void run();
  });
});

const restored = await decodeState(location.hash);
applyState(restored ?? { ...DEFAULT_STATE, manifests: SEED_MANIFESTS });
await run();
