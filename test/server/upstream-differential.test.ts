// Against upstream's own webhook binary (built in bench/upstream-webhook; skipped when it is absent): the recorded
// reviews' answers must equal our golden responses byte for byte, so the goldens are upstream's behaviour, not just
// ours frozen; a matrix of raw HTTP requests (methods, paths, ?timeout=, content types, bodies, chunked bodies) and
// 1,000 fuzzed reviews (PSA_FUZZ_DIFF_COUNT, PSA_FUZZ_SEED) must get the same status, body and error content type from
// upstream and from psa, both serving the same cluster, but for the differences docs/webhook.md lists.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestPki } from './certs.ts';
import { send } from './client.ts';
import { createRandom, fuzzBody, loadSeedReviews } from './fuzz.ts';
import { knownFuzzDifference, startUpstreamPair, UPSTREAM_WEBHOOK, type UpstreamPair } from './upstream-pair.ts';
import type { TestWebhook } from './webhook-fixture.ts';

const BINARY = UPSTREAM_WEBHOOK;
const DATA = 'testdata/server';
const available = existsSync(BINARY);

describe('recorded reviews against upstream webhook', { skip: available ? false : `${BINARY} not built` }, () => {
  let pair: UpstreamPair;
  let pki: TestPki;
  let port = 0;
  let psa: TestWebhook;

  before(async () => {
    pair = await startUpstreamPair();
    ({ pki, psa, upstreamPort: port } = pair);
  });
  after(async () => {
    await pair.stop();
  });

  describe('raw HTTP requests, upstream and psa side by side', () => {
    const review = readFileSync(join(DATA, 'reviews', 'pod-create-restricted-denied.json'), 'utf8');
    const requests: { readonly name: string; readonly text: string }[] = [];
    const add = (name: string, method: string, path: string, headers: readonly string[], body: string): void => {
      const lines = [`${method} ${path} HTTP/1.1`, 'Host: webhook', 'Connection: close', ...headers];
      requests.push({ name, text: `${lines.join('\r\n')}\r\n\r\n${body}` });
    };
    const json = (body: string): string[] => [
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
    ];
    for (const method of ['POST', 'GET', 'PUT', 'DELETE', 'PATCH'])
      for (const path of [
        '/',
        '/validate',
        '/?timeout=10s',
        '/?timeout=abc',
        '/?timeout=-1s',
        '/?timeout=0s',
        '/?timeout=1h&x=y',
        '/healthz',
        '/healthz?verbose',
        '/healthz/ping',
        '/healthz/nothing',
        '/readyz',
        '/readyz?verbose',
        '/readyz/informer-sync',
        '/readyz/nothing',
        '/livez',
      ])
        add(`${method} ${path}`, method, path, json(review), review);
    const bodies: Record<string, string> = {
      review,
      empty: '',
      'empty object': '{}',
      null: 'null',
      array: '[]',
      'not JSON': 'not json',
      'truncated review': review.slice(0, 200),
      'v1beta1 review': review.replace('admission.k8s.io/v1', 'admission.k8s.io/v1beta1'),
      'review without request': '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}',
      'empty request': '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{}}',
      'yaml review':
        'apiVersion: admission.k8s.io/v1\nkind: AdmissionReview\nrequest:\n  uid: y1\n  kind: {group: "", version: v1, kind: Pod}\n  resource: {group: "", version: v1, resource: pods}\n  namespace: restricted\n  operation: CREATE\n  userInfo: {username: alice}\n  object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {hostNetwork: yes, containers: [{name: c, image: x}]}}\n',
      'json with leading spaces': `   ${review}`,
    };
    const contentTypes = [
      'application/json',
      'application/json; charset=utf-8',
      'Application/JSON',
      'text/plain',
      'application/yaml',
    ];
    for (const [name, body] of Object.entries(bodies)) {
      for (const type of contentTypes)
        add(
          `${name}, ${type}`,
          'POST',
          '/?timeout=10s',
          [`Content-Type: ${type}`, `Content-Length: ${Buffer.byteLength(body)}`],
          body,
        );
      add(`${name}, no content type`, 'POST', '/?timeout=10s', [`Content-Length: ${Buffer.byteLength(body)}`], body);
      const chunked = body === '' ? '0\r\n\r\n' : `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
      add(
        `${name}, chunked`,
        'POST',
        '/?timeout=10s',
        ['Content-Type: application/json', 'Transfer-Encoding: chunked'],
        chunked,
      );
    }
    add(
      'two content types',
      'POST',
      '/',
      ['Content-Type: application/json', 'Content-Type: text/plain', `Content-Length: ${review.length}`],
      review,
    );
    add(
      'content type with trailing blanks',
      'POST',
      '/',
      ['Content-Type: application/json  ', ...json(review).slice(1)],
      review,
    );
    add('expect 100-continue', 'POST', '/', [...json(review), 'Expect: 100-continue'], review);
    // The 3 MiB limit: a body one byte short of it is read (and decoded); a body of exactly 3 MiB is refused.
    const limit = 3 * 1024 * 1024;
    const padded = (size: number): string =>
      `${review.trimEnd()}${' '.repeat(size - Buffer.byteLength(review.trimEnd()))}`;
    add('one byte under the limit', 'POST', '/', json(padded(limit - 1)), padded(limit - 1));
    add('at the limit', 'POST', '/', json(padded(limit)), padded(limit));
    const chunkedAtLimit = padded(limit);
    add(
      'at the limit, chunked',
      'POST',
      '/',
      ['Content-Type: application/json', 'Transfer-Encoding: chunked'],
      `${limit.toString(16)}\r\n${chunkedAtLimit}\r\n0\r\n\r\n`,
    );

    // Where psa answers on purpose and upstream does not (docs/webhook.md): a review without a request panics
    // upstream's handler (its 500 is never written: the connection just closes; psa sends the 500 the handler meant),
    // and upstream's universal deserializer also reads YAML bodies (the API server sends JSON; psa reads JSON only).
    const known = (name: string): { psa: string; upstream: string } | undefined => {
      if (
        /^(empty object|null|review without request), (application\/json|chunked)$/.test(name) ||
        name === 'empty, chunked'
      )
        return { psa: name === 'empty, chunked' ? '400' : '500', upstream: '' };
      if (name === 'yaml review, application/json' || name === 'yaml review, chunked')
        return { psa: '400', upstream: '200' };
      return undefined;
    };
    for (const request of requests) {
      it(request.name, async () => {
        const [ours, theirs] = await Promise.all([
          rawExchange(psa.port, request.text),
          rawExchange(port, request.text),
        ]);
        const expected = known(request.name);
        if (expected !== undefined) {
          assert.deepEqual({ psa: ours.status, upstream: theirs.status }, expected);
          return;
        }
        assert.equal(ours.status, theirs.status, `status: psa ${ours.status}, upstream ${theirs.status}`);
        if (!request.name.includes('/metrics')) assert.equal(ours.body, theirs.body);
        // 200 reviews are JSON from psa and sniffed as text/plain by upstream: the one deliberate difference.
        if (ours.status !== '200') assert.equal(ours.contentType, theirs.contentType);
      });
    }
  });

  describe('fuzzed reviews, upstream and psa side by side', () => {
    it('answers mutated and garbage reviews as upstream does', async () => {
      const random = createRandom(Number(process.env['PSA_FUZZ_SEED'] ?? 20261129));
      const seeds = loadSeedReviews();
      const differences: string[] = [];
      const classes: Record<string, number> = {};
      for (let i = 0; i < Number(process.env['PSA_FUZZ_DIFF_COUNT'] ?? 1000); i++) {
        const { body, contentType } = fuzzBody(random, seeds);
        const headers = [
          ...(contentType === '' ? [] : [`Content-Type: ${contentType}`]),
          `Content-Length: ${body.length}`,
        ];
        const text = Buffer.concat([
          Buffer.from(
            `POST /?timeout=10s HTTP/1.1\r\nHost: webhook\r\nConnection: close\r\n${headers.join('\r\n')}\r\n\r\n`,
          ),
          body,
        ]);
        const [ours, theirs] = await Promise.all([rawExchange(psa.port, text), rawExchange(port, text)]);
        if (ours.status === theirs.status && ours.body === theirs.body) continue;
        if (knownFuzzDifference(body, ours, theirs)) continue;
        const key = `psa ${ours.status} / upstream ${theirs.status || 'closed'}`;
        classes[key] = (classes[key] ?? 0) + 1;
        if (differences.length < 6)
          differences.push(
            `${key}\n  body: ${body.subarray(0, 300).toString('utf8')}\n  psa: ${ours.body.slice(0, 300)}\n  upstream: ${theirs.body.slice(0, 300)}`,
          );
      }
      assert.deepEqual(classes, {}, differences.join('\n'));
    });
  });

  function rawExchange(
    target: number,
    text: string | Buffer,
  ): Promise<{ status: string; contentType: string; body: string }> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: target, ca: pki.caCert, servername: 'localhost' }, () => {
        socket.write(text);
      });
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('close', () => {
        // Bytes, not text: chunk sizes count bytes.
        let raw: Buffer = Buffer.concat(chunks);
        const blank = Buffer.from('\r\n\r\n');
        // An interim answer (100 Continue) comes before the real one.
        while (/^HTTP\/1\.1 1\d\d /.test(raw.subarray(0, 16).toString('latin1')) && raw.includes(blank))
          raw = raw.subarray(raw.indexOf(blank) + 4);
        const split = raw.indexOf(blank);
        const head = (split < 0 ? raw : raw.subarray(0, split)).toString('latin1');
        let body: Buffer = split < 0 ? Buffer.alloc(0) : raw.subarray(split + 4);
        const headers = head.split('\r\n');
        const contentType =
          headers
            .find((line) => /^content-type:/i.test(line))
            ?.slice(13)
            .trim() ?? '';
        if (headers.some((line) => /^transfer-encoding:\s*chunked/i.test(line))) body = unchunk(body);
        resolve({ status: headers[0]?.split(' ')[1] ?? '', contentType, body: body.toString('utf8') });
      });
    });
  }

  const names = readdirSync(join(DATA, 'reviews'))
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();
  for (const name of names) {
    it(name, async () => {
      const res = await send(port, {
        ca: pki.caCert,
        path: '/?timeout=10s',
        body: readFileSync(join(DATA, 'reviews', `${name}.json`), 'utf8'),
      });
      const golden = readFileSync(join(DATA, 'responses', `${name}.http`), 'utf8');
      const newline = golden.indexOf('\n');
      // Same status and body; the one deliberate difference is the Content-Type of 200 answers (upstream's is sniffed).
      assert.equal(`HTTP ${res.status}`, golden.slice(0, newline).split(' ').slice(0, 2).join(' '));
      assert.equal(res.body, golden.slice(newline + 1));
    });
  }
});

/** The payload of a chunked HTTP body. */
function unchunk(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
