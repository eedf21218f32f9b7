// The webhook against a stand-in Kubernetes API: namespace list+watch cache, live GET on a cache miss, watch
// reconnection, readiness after sync, and pods listed when a namespace's enforce level is tightened.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createTestPki, type TestPki } from './certs.ts';
import { send } from './client.ts';
import { startKubeApiStandIn, type KubeApiStandIn } from './kube-api-stand-in.ts';
import { eventually, startTestWebhook, type TestWebhook } from './webhook-fixture.ts';

let pki: TestPki;
let api: KubeApiStandIn;
let server: TestWebhook;

before(async () => {
  pki = createTestPki();
  api = await startKubeApiStandIn({ cert: readFileSync(pki.server.cert), key: readFileSync(pki.server.key) });
  api.upsertNamespace('team', { 'pod-security.kubernetes.io/enforce': 'restricted' });
  api.upsertNamespace('legacy', { 'pod-security.kubernetes.io/enforce': 'baseline' });
  const kubeconfig = api.writeKubeconfig(join(pki.dir, 'kubeconfig'), pki.caFile);
  server = await startTestWebhook({ pki, config: '', kubeconfig });
});
after(async () => {
  await server.stop();
  await api.close();
  pki.cleanup();
});

const review = (request: Record<string, unknown>): string =>
  JSON.stringify({
    kind: 'AdmissionReview',
    apiVersion: 'admission.k8s.io/v1',
    request: { uid: 'u', userInfo: { username: 'alice' }, ...request },
  });
const podCreate = (namespace: string): string =>
  review({
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    name: 'p',
    namespace,
    operation: 'CREATE',
    object: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    },
  });
async function decide(
  body: string,
): Promise<{ allowed: boolean; warnings?: string[]; status?: { code: number; message: string } }> {
  const res = await send(server.port, { ca: pki.caCert, body });
  assert.equal(res.status, 200, res.body);
  return (
    JSON.parse(res.body) as {
      response: { allowed: boolean; warnings?: string[]; status?: { code: number; message: string } };
    }
  ).response;
}

describe('namespaces from the Kubernetes API', () => {
  it('becomes ready once the namespace list has synced, and decides from the cache', async () => {
    await eventually(
      async () => (await send(server.port, { ca: pki.caCert, method: 'GET', path: '/readyz' })).status === 200,
    );
    assert.equal((await decide(podCreate('team'))).allowed, false);
    assert.equal((await decide(podCreate('legacy'))).allowed, true);
    assert.ok((api.requests['list-namespaces'] ?? 0) >= 1);
    assert.ok((api.requests['watch-namespaces'] ?? 0) >= 1);
  });

  it('follows label changes and new namespaces through the watch', async () => {
    api.upsertNamespace('legacy', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    await eventually(async () => !(await decide(podCreate('legacy'))).allowed);
    api.upsertNamespace('fresh', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    await eventually(async () => !(await decide(podCreate('fresh'))).allowed);
  });

  it('looks a namespace up live on a cache miss; an unknown one fails closed for pods', async () => {
    const before = api.requests['get-namespace'] ?? 0;
    const response = await decide(podCreate('ghost'));
    assert.equal(response.allowed, false);
    assert.equal(response.status?.code, 500);
    assert.equal(response.status?.message, 'Internal error occurred: failed to lookup namespace "ghost"');
    assert.equal(api.requests['get-namespace'], before + 1);
  });

  it('does not ask the API for a namespace without a name: client-go refuses it, and so does the lookup', async () => {
    const before = api.requests['get-namespace'] ?? 0;
    const lists = api.requests['list-namespaces'] ?? 0;
    const res = await send(server.port, {
      ca: pki.caCert,
      body: review({
        kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
        resource: { group: 'apps', version: 'v1', resource: 'deployments' },
        name: 'd',
        operation: 'CREATE',
      }),
    });
    const response = (JSON.parse(res.body) as { response: { auditAnnotations?: Record<string, string> } }).response;
    assert.equal(response.auditAnnotations?.['error'], 'failed to lookup namespace "": resource name may not be empty');
    assert.equal(api.requests['get-namespace'] ?? 0, before);
    assert.equal(api.requests['list-namespaces'] ?? 0, lists);
  });

  it('reconnects the watch after the API server drops it', async () => {
    const watches = api.requests['watch-namespaces'] ?? 0;
    api.dropWatches();
    api.failNext(1);
    await eventually(() => Promise.resolve((api.requests['watch-namespaces'] ?? 0) > watches), 10_000);
    api.upsertNamespace('after-reconnect', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    const gets = api.requests['get-namespace'] ?? 0;
    await eventually(async () => !(await decide(podCreate('after-reconnect'))).allowed);
    // Served from the cache once the watch delivered it (at most one live GET raced it).
    assert.ok((api.requests['get-namespace'] ?? 0) <= gets + 1);
  });

  it('lists existing pods when a namespace update tightens enforce', async () => {
    const pod = (name: string, privileged: boolean): unknown => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'shop', uid: `uid-${name}` },
      spec: { containers: [{ name: 'c', image: 'nginx', securityContext: { privileged } }] },
    });
    api.upsertNamespace('shop', { 'pod-security.kubernetes.io/enforce': 'privileged' });
    api.setPods('shop', [pod('web-1', false), pod('agent-1', true), pod('agent-2', true)]);
    const namespace = (enforce: string): unknown => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': enforce } },
    });
    const response = await decide(
      review({
        kind: { group: '', version: 'v1', kind: 'Namespace' },
        resource: { group: '', version: 'v1', resource: 'namespaces' },
        name: 'shop',
        namespace: 'shop',
        operation: 'UPDATE',
        object: namespace('baseline'),
        oldObject: namespace('privileged'),
      }),
    );
    assert.equal(response.allowed, true);
    assert.deepEqual(response.warnings, [
      'existing pods in namespace "shop" violate the new PodSecurity enforce level "baseline:latest"',
      'agent-1 (and 1 other pod): privileged',
    ]);
  });
});
