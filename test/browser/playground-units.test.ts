// The playground's pieces that need no browser: the fix view's line diff, the URL state and the static server.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startPlaygroundServer } from '../../src/cli/commands/playground.ts';
import { diffLines } from '../../web/src/diff.ts';
import { DEFAULT_STATE } from '../../web/src/engine.ts';
import { decodeState, encodeState } from '../../web/src/url-state.ts';
import { psa } from '../cli/helpers.ts';

describe('diffLines', () => {
  const CASES: readonly { name: string; before: string; after: string; expected: string }[] = [
    { name: 'identical', before: 'a\nb\n', after: 'a\nb\n', expected: ' a  b' },
    { name: 'inserted in the middle', before: 'a\nc\n', after: 'a\nb\nc\n', expected: ' a +b  c' },
    { name: 'changed line', before: 'a\nb\nc\n', after: 'a\nB\nc\n', expected: ' a -b +B  c' },
    { name: 'appended without a final newline', before: 'a', after: 'a\nb', expected: ' a +b' },
    { name: 'from empty', before: '', after: 'x\n', expected: '+x' },
    { name: 'interleaved', before: 'a\nb\nc\nd\n', after: 'a\nx\nc\ny\n', expected: ' a -b +x  c -d +y' },
  ];
  for (const c of CASES) {
    it(c.name, () => {
      const rendered = diffLines(c.before, c.after)
        .map((d) => `${d.op === 'added' ? '+' : d.op === 'removed' ? '-' : ' '}${d.text}`)
        .join(' ');
      assert.equal(rendered, c.expected);
    });
  }

  it('numbers lines in the text each side comes from', () => {
    assert.deepEqual(
      diffLines('a\nb\n', 'a\nx\nb\n').map((d) => [d.op, d.line]),
      [
        ['same', 1],
        ['added', 2],
        ['same', 2],
      ],
    );
  });

  it('gives up past maxEdits: the differing middle as removed then added', () => {
    const ops = diffLines('a\n1\n2\nz\n', 'a\n3\n4\nz\n', 1).map((d) => d.op);
    assert.deepEqual(ops, ['same', 'removed', 'removed', 'added', 'added', 'same']);
  });
});

describe('URL state', () => {
  it('round-trips the state through a compressed base64url fragment', async () => {
    const state = {
      ...DEFAULT_STATE,
      manifests: 'apiVersion: v1\nkind: Pod\n# ünïcödé ✓\n'.repeat(50),
      configKind: 'file' as const,
      configText: 'kind: PodSecurityConfiguration\n',
      patches: ['cluster: {}\n', 'machine: {}\n'],
      namespaceLabels: 'apps:pod-security.kubernetes.io/enforce=restricted',
    };
    const fragment = await encodeState(state);
    assert.match(fragment, /^s=[A-Za-z0-9_-]+$/);
    assert.ok(fragment.length < JSON.stringify(state).length / 4, 'compressed');
    assert.deepEqual(await decodeState(`#${fragment}`), state);
  });

  it('ignores fragments that are not ours or do not decode', async () => {
    for (const fragment of ['', '#', '#section', '#s=', '#s=!!!', '#s=AAAA']) {
      assert.equal(await decodeState(fragment), undefined, fragment);
    }
  });

  it('keeps only known fields of the right types from a crafted link', async () => {
    const bytes = new TextEncoder().encode(
      JSON.stringify({ manifests: 42, configKind: 'evil', patches: ['a', 1], x: 1 }),
    );
    const compressed = new Uint8Array(
      await new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer(),
    );
    const fragment = `s=${Buffer.from(compressed).toString('base64url')}`;
    assert.deepEqual(await decodeState(fragment), { ...DEFAULT_STATE, manifests: '', patches: ['a'] });
  });
});

describe('psa playground server', () => {
  const root = mkdtempSync(join(tmpdir(), 'psa-playground-root-'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(join(root, 'playground.js'), 'export {};');
  writeFileSync(join(root, 'secret.txt'), 'not served: unknown type');
  after(() => rmSync(root, { recursive: true, force: true }));

  function get(url: string, path: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(new URL(path, url), { method }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('serves the built files and nothing else', async () => {
    const server = await startPlaygroundServer(root, 0, '127.0.0.1');
    try {
      const index = await get(server.url, '/');
      assert.equal(index.status, 200);
      assert.equal(index.type, 'text/html; charset=utf-8');
      assert.equal((await get(server.url, '/playground.js')).type, 'text/javascript; charset=utf-8');
      for (const path of [
        '/secret.txt',
        '/missing.js',
        '/../package.json',
        '/%2e%2e/package.json',
        '/..%2fpackage.json',
      ])
        assert.equal((await get(server.url, path)).status, 404, path);
      assert.equal((await get(server.url, '/', 'POST')).status, 405);
    } finally {
      await server.close();
    }
  });
});

describe('psa playground flags', () => {
  it('--help describes the command; a bad port or an argument is a usage error', async () => {
    const help = await psa(['playground', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: psa playground \[flags\]/);
    const port = await psa(['playground', '--port', '99999']);
    assert.equal(port.code, 2);
    assert.equal(port.stderr, `psa playground: invalid --port "99999"\nRun 'psa playground --help' for usage.\n`);
    assert.equal((await psa(['playground', 'extra'])).code, 2);
  });
});
