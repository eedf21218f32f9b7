import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  compactGoJson,
  decodeAdmissionReviewText,
  encodeAdmissionReview,
  goJsonString,
} from '../k8s/admission-review.ts';
import { controllerObject, harness, listedPod, namespaceObject, podObject, settings } from './testing.ts';

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'testdata', 'admission');
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const claimed = new Set<string>();

/** Compares `actual` with testdata/admission/<name>; `UPDATE_GOLDEN=1` rewrites it. */
function golden(name: string, actual: string): void {
  claimed.add(name);
  const path = join(GOLDEN_DIR, name);
  if (UPDATE) {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `golden file ${name} is missing; run with UPDATE_GOLDEN=1`);
  assert.equal(actual, readFileSync(path, 'utf8'));
}

const P = 'pod-security.kubernetes.io/';

function review(request: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1', request, ...extra });
}

function podRequest(object: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    requestKind: { group: '', version: 'v1', kind: 'Pod' },
    requestResource: { group: '', version: 'v1', resource: 'pods' },
    name: 'nginx-pod',
    namespace: 'test',
    operation: 'CREATE',
    userInfo: { username: 'alice', uid: '1', groups: ['system:authenticated'], extra: { scopes: ['a'], empty: null } },
    object,
    dryRun: false,
    options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    ...extra,
  };
}

describe('admitReview: golden response bytes', () => {
  const cases: readonly {
    name: string;
    namespaces: Record<string, Record<string, string>>;
    body: string;
    pods?: Parameters<typeof harness>[0] extends infer O ? (O extends { pods?: infer T } ? T : never) : never;
    exempt?: string[];
  }[] = [
    {
      name: 'pod-denied.json',
      namespaces: { test: { [`${P}enforce`]: 'restricted' } },
      body: review(podRequest(podObject())),
    },
    {
      name: 'pod-warned-audited.json',
      namespaces: { test: { [`${P}enforce`]: 'baseline', [`${P}warn`]: 'restricted', [`${P}audit`]: 'restricted:' } },
      body: review(podRequest(podObject())),
    },
    {
      name: 'deployment-warned.json',
      namespaces: { test: { [`${P}warn`]: 'restricted' } },
      body: review({
        ...podRequest(controllerObject('deployments', podObject())),
        kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
        resource: { group: 'apps', version: 'v1', resource: 'deployments' },
      }),
    },
    {
      name: 'namespace-invalid.json',
      namespaces: {},
      body: review({
        uid: 'ns-1',
        kind: { group: '', version: 'v1', kind: 'Namespace' },
        resource: { group: '', version: 'v1', resource: 'namespaces' },
        name: 'test',
        namespace: 'test',
        operation: 'CREATE',
        userInfo: { username: 'admin' },
        object: namespaceObject('test', { [`${P}enforce`]: 'x', [`${P}enforce-version`]: 'v2' }),
      }),
    },
    {
      name: 'namespace-tightened.json',
      namespaces: {},
      pods: [
        listedPod('web-1', { hostNetwork: true, containers: [{ name: 'c' }] }),
        listedPod('web-0', { hostNetwork: true, containers: [{ name: 'c' }] }),
        listedPod('db', { containers: [{ name: 'c', securityContext: { privileged: true } }] }),
      ],
      body: review({
        uid: 'ns-2',
        kind: { group: '', version: 'v1', kind: 'Namespace' },
        resource: { group: '', version: 'v1', resource: 'namespaces' },
        name: 'test',
        namespace: 'test',
        operation: 'UPDATE',
        userInfo: { username: 'admin' },
        object: namespaceObject('test', { [`${P}enforce`]: 'baseline' }),
        oldObject: namespaceObject('test', {}),
      }),
    },
    {
      // Whitespace, HTML-sensitive characters and U+2028 inside the echoed object; a `<` in a label value.
      name: 'echo-compacted.json',
      namespaces: { test: { [`${P}enforce`]: 'baseline' } },
      body: `{"request": ${JSON.stringify(podRequest({ metadata: { name: 'a<b>&c\u2028' }, spec: { hostPID: true } }), null, 2)}, "unknown": 1}`,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const h = harness({
        namespaces: c.namespaces,
        ...(c.pods === undefined ? {} : { pods: c.pods }),
        settings: settings({}, { namespaces: c.exempt ?? [] }),
      });
      const out = await h.admission.admitReview(c.body);
      assert.ok(out.ok, out.ok ? '' : out.detail);
      golden(c.name, out.body);
    });
  }
});

describe('admitReview: edge cases recorded from upstream', () => {
  const file = 'upstream-recorded.json';
  claimed.add(file);
  const recorded = JSON.parse(readFileSync(join(GOLDEN_DIR, file), 'utf8')) as {
    cases: {
      name: string;
      namespaces: Record<string, Record<string, string>>;
      body: string;
      httpStatus: number;
      response: string;
    }[];
  };
  for (const c of recorded.cases) {
    it(c.name, async () => {
      const h = harness({ namespaces: c.namespaces });
      const out = await h.admission.admitReview(c.body);
      assert.equal(out.ok ? 200 : out.httpStatus, c.httpStatus);
      assert.equal(out.ok ? out.body : `${out.message}\n`, c.response);
    });
  }
});

describe('decoding the review like Go', () => {
  it('turns lone surrogates in request strings into U+FFFD, as Go decodes them', () => {
    const text =
      '{"request":{"uid":"u","namespace":"ns\\ud800","name":"\\udc00","userInfo":{"username":"a\\ud800b",' +
      '"groups":["\\ud800"],"extra":{"k\\ud800":["\\udfff"]}}}}';
    const decoded = decodeAdmissionReviewText(text);
    assert.ok(decoded.ok);
    const request = decoded.review.request!;
    assert.equal(request.namespace, 'ns\ufffd');
    assert.equal(request.name, '\ufffd');
    assert.equal(request.userInfo.username, 'a\ufffdb');
    assert.deepEqual(request.userInfo.groups, ['\ufffd']);
    assert.deepEqual({ ...request.userInfo.extra }, { 'k\ufffd': ['\ufffd'] });
    // A valid pair is one character, kept.
    const pair = decodeAdmissionReviewText('{"request":{"namespace":"\\ud83d\\udca5"}}');
    assert.ok(pair.ok);
    assert.equal(pair.review.request!.namespace, '\u{1f4a5}');
  });
});

describe('admitReview: transport errors (§7.3)', () => {
  const table: readonly [string, string, number, string][] = [
    ['not JSON', '{', 400, 'unable to decode the request'],
    ['not an object', '[1]', 400, 'unable to decode the request'],
    [
      'v1beta1',
      '{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview"}',
      400,
      'unable to decode the request',
    ],
    [
      'another registered kind',
      '{"apiVersion":"v1","kind":"Pod"}',
      400,
      'unexpected AdmissionReview kind: /v1, Kind=Pod',
    ],
    [
      'apps kind',
      '{"apiVersion":"apps/v1","kind":"Deployment"}',
      400,
      'unexpected AdmissionReview kind: apps/v1, Kind=Deployment',
    ],
    ['a wrongly typed uid', '{"request":{"uid":5}}', 400, 'unable to decode the request'],
    ['a malformed response', '{"request":{},"response":{"allowed":"yes"}}', 400, 'unable to decode the request'],
    ['no request', '{"kind":"AdmissionReview"}', 500, 'internal server error'],
    ['a null body', ' null ', 500, 'internal server error'],
    [
      'a controller request without an object',
      review({
        uid: 'x',
        kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
        resource: { group: 'apps', version: 'v1', resource: 'deployments' },
        namespace: 'test',
        operation: 'DELETE',
        userInfo: {},
      }),
      500,
      'internal server error',
    ],
  ];
  for (const [what, body, status, message] of table) {
    it(what, async () => {
      const h = harness({ namespaces: { test: { [`${P}warn`]: 'restricted' } } });
      const out = await h.admission.admitReview(body);
      assert.equal(out.ok, false);
      if (out.ok) return;
      assert.equal(out.httpStatus, status);
      assert.equal(out.message, message);
    });
  }
});

describe('Go JSON encoding', () => {
  it('escapes strings like encoding/json', () => {
    assert.equal(goJsonString('plain'), '"plain"');
    assert.equal(goJsonString('<a href="x">&</a>'), '"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"');
    assert.equal(goJsonString('\u0000\u0001\b\f\n\r\t\u001f\u007f'), '"\\u0000\\u0001\\b\\f\\n\\r\\t\\u001f\u007f"');
    assert.equal(goJsonString('\u2028\u2029é😀'), '"\\u2028\\u2029é😀"');
    assert.equal(goJsonString('a\ud800b'), '"a\ufffdb"');
  });

  it('compacts raw objects without touching string contents', () => {
    assert.equal(compactGoJson('{ "a" : [ 1.0 , 1e2 ], "b": "x  y<" }'), '{"a":[1.0,1e2],"b":"x  y\\u003c"}');
    assert.equal(compactGoJson('{"a":"\\" }"}'), '{"a":"\\" }"}');
  });

  it('keeps the exact text of object, oldObject and options, and drops unknown request fields', () => {
    const body =
      '{"request":{"uid":"u","object":{ "x" : 1.50 },"oldObject":null,"options":{"b":1,"a":2},"extra":true}}';
    const decoded = decodeAdmissionReviewText(body);
    assert.ok(decoded.ok);
    assert.equal(
      encodeAdmissionReview(decoded.review),
      '{"request":{"uid":"u","kind":{"group":"","version":"","kind":""},"resource":{"group":"","version":"","resource":""},"operation":"","userInfo":{},"object":{"x":1.50},"oldObject":null,"options":{"b":1,"a":2}}}',
    );
  });
});

after(() => {
  if (UPDATE || !existsSync(GOLDEN_DIR)) return;
  const unclaimed = readdirSync(GOLDEN_DIR).filter((f) => !claimed.has(f));
  assert.deepEqual(unclaimed, [], `golden files no test claims: ${unclaimed.join(', ')}`);
});
