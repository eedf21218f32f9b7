// psa audit against the API stand-in serving the same small cluster as test/cli/audit-inputs/cluster.yaml: the same
// figures as from the dump, with one item per page, after an expired continue token (no pod counted twice), and with
// a clear, partial report when a LIST is forbidden.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { parse } from 'yaml';
import { createTestPki, type TestPki } from '../server/certs.ts';
import { startKubeApiStandIn, type KubeApiStandIn } from '../server/kube-api-stand-in.ts';
import { psa, ROOT } from './helpers.ts';

const DUMP = 'test/cli/audit-inputs/cluster.yaml';
const RESOURCES: Readonly<Record<string, string>> = {
  Deployment: 'apps/v1/deployments',
  ReplicaSet: 'apps/v1/replicasets',
  StatefulSet: 'apps/v1/statefulsets',
  DaemonSet: 'apps/v1/daemonsets',
  Job: 'batch/v1/jobs',
  CronJob: 'batch/v1/cronjobs',
};

let pki: TestPki;
let api: KubeApiStandIn;
let kubeconfig: string;

/** Loads the dump into a fresh stand-in (list items carry no kind or apiVersion, as from a real API server). */
async function serveDump(): Promise<KubeApiStandIn> {
  const server = await startKubeApiStandIn({ cert: readFileSync(pki.server.cert), key: readFileSync(pki.server.key) });
  const list = parse(readFileSync(join(ROOT, DUMP), 'utf8')) as {
    items: {
      kind: string;
      apiVersion: string;
      metadata: { name: string; namespace: string; labels: Record<string, string> };
    }[];
  };
  const byResource = new Map<string, Map<string, unknown[]>>();
  for (const object of list.items) {
    const { kind, ...rest } = object;
    const item: Omit<typeof rest, 'apiVersion'> & { apiVersion?: string } = { ...rest };
    delete item.apiVersion;
    if (kind === 'Namespace') {
      server.upsertNamespace(item.metadata.name, item.metadata.labels);
      continue;
    }
    const resource = kind === 'Pod' ? 'v1/pods' : RESOURCES[kind]!;
    const perNamespace = byResource.get(resource) ?? new Map<string, unknown[]>();
    byResource.set(resource, perNamespace);
    const items = perNamespace.get(item.metadata.namespace) ?? [];
    perNamespace.set(item.metadata.namespace, items);
    items.push(item);
  }
  for (const [resource, perNamespace] of byResource)
    for (const [namespace, items] of perNamespace)
      if (resource === 'v1/pods') server.setPods(namespace, items);
      else server.setObjects(resource, namespace, items);
  return server;
}

/** The report without what legitimately differs between sources (where from, the namespace's built-in label). */
function figures(stdout: string): unknown {
  const report = JSON.parse(stdout);
  delete report.source;
  return report;
}

before(() => {
  pki = createTestPki();
});
beforeEach(async () => {
  api = await serveDump();
  kubeconfig = api.writeKubeconfig(join(pki.dir, 'kubeconfig'), pki.caFile);
});
after(() => pki.cleanup());

const ENV = { SOURCE_DATE_EPOCH: '1767225600' };

describe('psa audit against the API stand-in', () => {
  it('reads the same figures as from the dump, one item per page', async (t) => {
    t.after(() => api.close());
    const fromDump = await psa(['audit', '--from', DUMP, '-o', 'json', '--plan-level', 'baseline'], { env: ENV });
    const live = await psa(
      ['audit', '--kubeconfig', kubeconfig, '-o', 'json', '--plan-level', 'baseline', '--page-size', '1'],
      {
        env: ENV,
      },
    );
    assert.equal(live.stderr, '');
    assert.equal(live.code, fromDump.code);
    assert.deepEqual(figures(live.stdout), figures(fromDump.stdout));
    assert.match(JSON.parse(live.stdout).source, /^cluster https:\/\/127\.0\.0\.1:\d+ \(context stand-in\)$/);
    // 12 pods, one per page: 12 requests (the last page carries no continue token).
    assert.equal(api.requests['list-all-pods'], 12);
    assert.equal(api.requests['list-namespaces'], 6);
    assert.equal(api.requests['list-deployments'], 1);
  });

  it('an expired continue token restarts the list and counts no pod twice', async (t) => {
    t.after(() => api.close());
    const fromDump = await psa(['audit', '--from', DUMP, '-o', 'json'], { env: ENV });
    api.expireContinueTokens(2);
    const live = await psa(['audit', '--kubeconfig', kubeconfig, '-o', 'json', '--page-size', '2'], { env: ENV });
    assert.equal(live.stderr, '');
    assert.equal(api.requests['expired'], 2);
    assert.deepEqual(figures(live.stdout), figures(fromDump.stdout));
    assert.equal(JSON.parse(live.stdout).summary.pods, 12);
  });

  it('a list that keeps expiring is an error naming the resource; exit 2', async (t) => {
    t.after(() => api.close());
    api.expireContinueTokens(100);
    const live = await psa(['audit', '--kubeconfig', kubeconfig, '-o', 'json', '--page-size', '5'], { env: ENV });
    assert.equal(live.code, 2);
    assert.match(
      live.stderr,
      /error: cannot list namespaces at the cluster scope: the list expired repeatedly \(410 Expired\)/,
    );
    assert.equal(JSON.parse(live.stdout).complete, false);
  });

  it('a forbidden LIST names the resource and the missing permission; what was read is still reported', async (t) => {
    t.after(() => api.close());
    api.forbid('pods', 'apps/v1/replicasets');
    const live = await psa(['audit', '--kubeconfig', kubeconfig, '-o', 'json'], { env: ENV });
    assert.equal(live.code, 2);
    assert.equal(
      live.stderr,
      'error: cannot list replicasets.apps at the cluster scope: 403 Forbidden: the user lacks the "list" permission on replicasets.apps (replicasets.apps is forbidden: User "stand-in" cannot list resource "replicasets" in API group "apps" at the cluster scope)\n' +
        'error: cannot list pods at the cluster scope: 403 Forbidden: the user lacks the "list" permission on pods (pods is forbidden: User "stand-in" cannot list resource "pods" in API group "" at the cluster scope)\n',
    );
    const report = JSON.parse(live.stdout);
    assert.equal(report.complete, false);
    assert.equal(report.errors.length, 2);
    assert.equal(report.summary.namespaces, 6, 'namespaces were read');
    assert.equal(report.summary.pods, 0);
    const text = await psa(['audit', '--kubeconfig', kubeconfig], { env: ENV });
    assert.match(text.stdout, /INCOMPLETE: 2 errors while reading/);
  });

  it('--context picks the kubeconfig context; an unknown one is a clear error', async (t) => {
    t.after(() => api.close());
    const named = await psa(['audit', '--kubeconfig', kubeconfig, '--context', 'stand-in', '-o', 'json'], { env: ENV });
    assert.equal(named.stderr, '');
    assert.equal(JSON.parse(named.stdout).summary.pods, 12);
    const unknown = await psa(['audit', '--kubeconfig', kubeconfig, '--context', 'nope']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^psa audit: .*kubeconfig-?\w*: no context named "nope"\n$/);
  });

  it('an unreachable API server is one clear error, exit 2', async (t) => {
    await api.close();
    t.after(() => undefined);
    const live = await psa(['audit', '--kubeconfig', kubeconfig, '-o', 'json'], { env: ENV });
    assert.equal(live.code, 2);
    assert.match(live.stderr, /^error: cannot list namespaces at the cluster scope: .*ECONNREFUSED/);
    assert.equal(live.stderr.trim().split('\n').length, 1);
  });
});
