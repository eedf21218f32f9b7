// The real webhook over HTTPS: recorded AdmissionReviews against golden responses, and the reloads (namespaces file,
// configuration, TLS certificate) that must happen without a restart or a dropped connection.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestPki, type TestPki } from './certs.ts';
import { send } from './client.ts';
import { capturingLogger, podReviewBody } from './helpers.ts';
import { eventually, startTestWebhook, type TestWebhook } from './webhook-fixture.ts';

const DATA = 'testdata/server';
const REVIEWS = join(DATA, 'reviews');
const RESPONSES = join(DATA, 'responses');
const update = process.env['UPDATE_GOLDEN'] === '1';

let pki: TestPki;
before(() => {
  pki = createTestPki();
});
after(() => pki.cleanup());

const podReview = (namespace: string, uid: string, spec: unknown): string =>
  podReviewBody({ uid, namespace, spec, name: 'p', requestName: true, user: 'alice' });
const BARE = { containers: [{ name: 'c', image: 'nginx' }] };

function verdict(body: string): {
  readonly uid: unknown;
  readonly allowed: unknown;
  readonly code: unknown;
  readonly warnings: unknown;
  readonly annotations: unknown;
} {
  const response = (JSON.parse(body) as { response: Record<string, unknown> }).response;
  return {
    uid: response['uid'],
    allowed: response['allowed'],
    code: (response['status'] as Record<string, unknown> | undefined)?.['code'],
    warnings: response['warnings'],
    annotations: response['auditAnnotations'],
  };
}

describe('recorded AdmissionReviews', () => {
  let server: TestWebhook;
  before(async () => {
    server = await startTestWebhook({
      pki,
      config: readFileSync(join(DATA, 'config.yaml'), 'utf8'),
      namespaces: readFileSync(join(DATA, 'namespaces.yaml'), 'utf8'),
    });
  });
  after(() => server.stop());

  const names = readdirSync(REVIEWS)
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();

  for (const name of names) {
    it(name, async () => {
      const body = readFileSync(join(REVIEWS, `${name}.json`), 'utf8');
      const res = await send(server.port, { ca: pki.caCert, path: '/?timeout=10s', body });
      const actual = `HTTP ${res.status} ${res.headers['content-type'] ?? ''}\n${res.body}`;
      const golden = join(RESPONSES, `${name}.http`);
      if (update) {
        mkdirSync(RESPONSES, { recursive: true });
        writeFileSync(golden, actual);
      }
      assert.equal(actual, readFileSync(golden, 'utf8'));
      if (res.status === 200) {
        const request = (JSON.parse(body) as { request: { uid: string } }).request;
        assert.equal(verdict(res.body).uid, request.uid, 'uid echoed');
      }
    });
  }

  it('every golden response belongs to a recorded review', () => {
    const orphans = readdirSync(RESPONSES).filter((file) => !names.includes(file.replace(/\.http$/, '')));
    assert.deepEqual(orphans, []);
  });

  it('transport errors keep upstream texts on the real handler', async () => {
    const cases: readonly [string, number, string][] = [
      [
        '{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"x"}}',
        400,
        'unable to decode the request\n',
      ],
      ['[1,2,3]', 400, 'unable to decode the request\n'],
      ['{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1"}', 500, 'internal server error\n'],
    ];
    for (const [body, status, text] of cases) {
      const res = await send(server.port, { ca: pki.caCert, body });
      assert.equal(res.status, status, body);
      assert.equal(res.body, text, body);
    }
  });

  it('counts evaluations in upstream metrics', async () => {
    await send(server.port, { ca: pki.caCert, body: podReview('restricted', 'm1', BARE) });
    const metrics = await send(server.port, { ca: pki.caCert, method: 'GET', path: '/metrics' });
    assert.match(
      metrics.body,
      /^pod_security_evaluations_total\{decision="deny",mode="enforce",policy_level="restricted",policy_version="latest",request_operation="create",resource="pod",subresource=""\} [1-9]/m,
    );
  });
});

describe('reloads', () => {
  it('--namespaces-from: label changes apply without a restart; a bad edit keeps the last good namespaces', async () => {
    const { logger, lines } = capturingLogger();
    const server = await startTestWebhook({
      pki,
      logger,
      config: 'apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\n',
      namespaces:
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n',
    });
    try {
      const admitted = async (): Promise<unknown> =>
        verdict((await send(server.port, { ca: pki.caCert, body: podReview('team', 'n1', BARE) })).body).allowed;
      assert.equal(await admitted(), false);
      writeFileSync(
        server.files.namespaces,
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n',
      );
      await eventually(async () => (await admitted()) === true);
      writeFileSync(
        server.files.namespaces,
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n  labels: [oops\n',
      );
      await eventually(() =>
        Promise.resolve(
          lines().some((line) => line['msg'] === 'namespaces file rejected, keeping the previous namespaces'),
        ),
      );
      assert.equal(await admitted(), true);
      const rejected = lines().find(
        (line) => line['msg'] === 'namespaces file rejected, keeping the previous namespaces',
      );
      assert.match(String(rejected?.['err']), /namespaces\.yaml:\d+: document 1: /);
    } finally {
      await server.stop();
    }
  });

  it('--config: edits apply without a restart; a bad edit is logged and the last good configuration stays', async () => {
    const { logger, lines } = capturingLogger();
    const exempt =
      'apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\nexemptions:\n  namespaces: [team]\n';
    const strict =
      'apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: restricted\n';
    const server = await startTestWebhook({
      pki,
      logger,
      config: exempt,
      namespaces: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n',
    });
    try {
      const decide = async (): Promise<ReturnType<typeof verdict>> =>
        verdict((await send(server.port, { ca: pki.caCert, body: podReview('team', 'c1', BARE) })).body);
      assert.deepEqual((await decide()).annotations, { exempt: 'namespace' });
      writeFileSync(server.files.config, strict);
      await eventually(async () => (await decide()).allowed === false);
      writeFileSync(server.files.config, strict.replace('restricted', 'strictest'));
      await eventually(() =>
        Promise.resolve(
          lines().some((line) => line['msg'] === 'configuration rejected, keeping the previous configuration'),
        ),
      );
      assert.equal((await decide()).allowed, false);
      const metrics = await send(server.port, { ca: pki.caCert, method: 'GET', path: '/metrics' });
      assert.match(metrics.body, /^psa_webhook_reloads_total\{kind="config",result="success"\} 1$/m);
      assert.match(metrics.body, /^psa_webhook_reloads_total\{kind="config",result="failure"\} 1$/m);
    } finally {
      await server.stop();
    }
  });

  it('TLS: a rotated certificate serves new connections while established ones keep working', async () => {
    const server = await startTestWebhook({
      pki,
      config: '',
      namespaces: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n',
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: pki.caCert });
    try {
      const first = await send(server.port, { ca: pki.caCert, agent, body: podReview('team', 't1', BARE) });
      assert.equal(first.status, 200);
      assert.equal(first.serverSerial, pki.server.serial);
      copyFileSync(pki.server2.key, server.files.key);
      copyFileSync(pki.server2.cert, server.files.cert);
      await eventually(
        async () =>
          (await send(server.port, { ca: pki.caCert, method: 'GET', path: '/healthz' })).serverSerial ===
          pki.server2.serial,
      );
      // The keep-alive connection made before the rotation still works (and still shows the old certificate).
      const reused = await send(server.port, { ca: pki.caCert, agent, body: podReview('team', 't2', BARE) });
      assert.equal(reused.status, 200);
      assert.equal(reused.serverSerial, pki.server.serial);
    } finally {
      agent.destroy();
      await server.stop();
    }
  });

  it('TLS: a key that does not match the certificate is rejected and the old pair keeps serving', async () => {
    const { logger, lines } = capturingLogger();
    const server = await startTestWebhook({
      pki,
      logger,
      config: '',
      namespaces: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n',
    });
    try {
      copyFileSync(pki.server2.key, server.files.key);
      await eventually(() =>
        Promise.resolve(
          lines().some((line) => line['msg'] === 'TLS material rejected, keeping the previous certificate'),
        ),
      );
      const res = await send(server.port, { ca: pki.caCert, method: 'GET', path: '/healthz' });
      assert.equal(res.serverSerial, pki.server.serial);
    } finally {
      await server.stop();
    }
  });

  it('client certificates are required with --client-ca-file', async () => {
    const server = await startTestWebhook({
      pki,
      config: '',
      namespaces: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n',
      extraArgs: ['--client-ca-file', pki.caFile],
    });
    try {
      await assert.rejects(send(server.port, { ca: pki.caCert, body: podReview('team', 'x', BARE) }));
      const res = await send(server.port, {
        ca: pki.caCert,
        cert: pki.client.cert,
        key: pki.client.key,
        body: podReview('team', 'x', BARE),
      });
      assert.equal(res.status, 200);
    } finally {
      await server.stop();
    }
  });

  it('namespaces file problems are reported with positions at startup', async () => {
    await assert.rejects(
      startTestWebhook({
        pki,
        config: '',
        namespaces: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  labels: {a: b}\n---\nkind: Pod\n',
      }),
      (error: Error) => {
        assert.equal(error.name, 'NamespacesFileError');
        assert.match(error.message, /namespaces\.yaml:1: document 1: metadata\.name: required/);
        assert.match(error.message, /namespaces\.yaml:6: document 2: kind: expected Namespace, got "Pod"/);
        return true;
      },
    );
    assert.ok(existsSync(RESPONSES));
  });
});
