import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { majorMinor, parseVersion } from '../api/index.ts';
import type { AdmissionResponse } from '../k8s/admission-review.ts';
import { defaultEvaluator as defaultEvaluatorForTest } from '../policy/evaluator.ts';
import { isSignificantPodUpdate } from './admission.ts';
import { metricPolicyVersion } from './metrics.ts';
import {
  controllerObject,
  harness,
  listedPod,
  lv,
  namespaceObject,
  podObject,
  request,
  restrictedPodObject,
  settings,
} from './testing.ts';

const P = 'pod-security.kubernetes.io/';

const A1_DETAIL =
  'allowPrivilegeEscalation != false (container "nginx" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "nginx" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "nginx" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "nginx" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';

function strip(response: AdmissionResponse): Omit<AdmissionResponse, 'uid'> {
  return Object.fromEntries(Object.entries(response).filter(([key]) => key !== 'uid')) as Omit<
    AdmissionResponse,
    'uid'
  >;
}

function metricLines(h: ReturnType<typeof harness>): string[] {
  return h.metrics.samples().map(
    (s) =>
      `${s.name}{${Object.entries(s.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}} ${String(s.value)}`,
  );
}

describe('pod flow (§5.4)', () => {
  const restrictedNs = { test: { [`${P}enforce`]: 'restricted' } };

  for (const sub of ['exec', 'attach', 'binding', 'eviction', 'log', 'portforward', 'proxy', 'status']) {
    it(`ignores the ${sub} subresource entirely`, async () => {
      const h = harness({ namespaces: restrictedNs });
      const response = await h.admission.admit(request('pods', { subresource: sub, object: podObject() }));
      assert.deepEqual(strip(response), { allowed: true });
      assert.deepEqual(metricLines(h), []);
    });
  }

  it('denies a bare pod at restricted with the exact Forbidden status (A1)', async () => {
    const h = harness({ namespaces: restrictedNs });
    const response = await h.admission.admit(request('pods', { name: 'nginx-pod', object: podObject() }));
    assert.deepEqual(strip(response), {
      allowed: false,
      status: {
        status: 'Failure',
        message: `pods "nginx-pod" is forbidden: violates PodSecurity "restricted:latest": ${A1_DETAIL}`,
        reason: 'Forbidden',
        details: { name: 'nginx-pod', kind: 'pods' },
        code: 403,
      },
      auditAnnotations: { 'enforce-policy': 'restricted:latest' },
    });
    assert.equal(response.uid, 'uid-1');
    assert.deepEqual(metricLines(h), [
      'pod_security_evaluations_total{decision=deny,mode=enforce,policy_level=restricted,policy_version=latest,request_operation=create,resource=pod,subresource=} 1',
    ]);
  });

  it('omits the name from the message when the request has none', async () => {
    const h = harness({ namespaces: restrictedNs });
    const response = await h.admission.admit(request('pods', { name: '', object: podObject() }));
    assert.equal(response.status?.message, `pods is forbidden: violates PodSecurity "restricted:latest": ${A1_DETAIL}`);
    assert.deepEqual(response.status?.details, { kind: 'pods' });
  });

  it('warns and audits without denying, reusing one evaluation per LevelVersion', async () => {
    let evaluations = 0;
    const h = harness({
      namespaces: { test: { [`${P}enforce`]: 'baseline', [`${P}audit`]: 'restricted', [`${P}warn`]: 'restricted' } },
      evaluator: {
        evaluatePod(levelVersion, metadata, spec) {
          evaluations++;
          return defaultEvaluatorForTest.evaluatePod(levelVersion, metadata, spec);
        },
      },
    });
    const response = await h.admission.admit(request('pods', { object: podObject() }));
    assert.deepEqual(strip(response), {
      allowed: true,
      auditAnnotations: {
        'enforce-policy': 'baseline:latest',
        'audit-violations': `would violate PodSecurity "restricted:latest": ${A1_DETAIL}`,
      },
      warnings: [`would violate PodSecurity "restricted:latest": ${A1_DETAIL}`],
    });
    assert.equal(evaluations, 2);
    assert.deepEqual(metricLines(h), [
      'pod_security_evaluations_total{decision=allow,mode=enforce,policy_level=baseline,policy_version=latest,request_operation=create,resource=pod,subresource=} 1',
      'pod_security_evaluations_total{decision=deny,mode=audit,policy_level=restricted,policy_version=latest,request_operation=create,resource=pod,subresource=} 1',
      'pod_security_evaluations_total{decision=deny,mode=warn,policy_level=restricted,policy_version=latest,request_operation=create,resource=pod,subresource=} 1',
    ]);
  });

  it('adds no warning to a denied pod', async () => {
    const h = harness({ namespaces: { test: { [`${P}enforce`]: 'restricted', [`${P}warn`]: 'restricted' } } });
    const response = await h.admission.admit(request('pods', { object: podObject() }));
    assert.equal(response.allowed, false);
    assert.equal(response.warnings, undefined);
  });

  it('shortcuts a fully privileged namespace, hiding the version (§9.15)', async () => {
    const h = harness({ namespaces: { test: { [`${P}enforce`]: 'privileged', [`${P}enforce-version`]: 'v1.20' } } });
    const response = await h.admission.admit(request('pods', { object: podObject({ hostNetwork: true }) }));
    assert.deepEqual(strip(response), { allowed: true, auditAnnotations: { 'enforce-policy': 'privileged:latest' } });
    assert.deepEqual(metricLines(h), [
      'pod_security_evaluations_total{decision=allow,mode=enforce,policy_level=privileged,policy_version=latest,request_operation=create,resource=pod,subresource=} 1',
    ]);
  });

  it('prints a partially privileged enforce policy with its version', async () => {
    const h = harness({ namespaces: { test: { [`${P}enforce-version`]: 'v1.20', [`${P}audit`]: 'baseline' } } });
    const response = await h.admission.admit(request('pods', { object: restrictedPodObject() }));
    assert.deepEqual(strip(response), { allowed: true, auditAnnotations: { 'enforce-policy': 'privileged:v1.20' } });
  });

  it('fails closed on bad labels: restricted enforcement plus an error annotation and a non-fatal metric', async () => {
    const h = harness({ namespaces: { test: { [`${P}enforce`]: 'bogus' } } });
    const response = await h.admission.admit(request('pods', { object: podObject() }));
    assert.equal(response.allowed, false);
    assert.deepEqual(response.auditAnnotations, {
      error:
        'Failed to parse policy: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "bogus": must be one of privileged, baseline, restricted',
      'enforce-policy': 'restricted:latest',
    });
    assert.ok(
      metricLines(h).includes(
        'pod_security_errors_total{fatal=false,request_operation=create,resource=pod,subresource=} 1',
      ),
    );
  });

  const exemptions = [
    { what: 'namespace', settings: settings({}, { namespaces: ['test'] }), req: {}, annotation: 'namespace' },
    { what: 'user', settings: settings({}, { usernames: ['alice'] }), req: { username: 'alice' }, annotation: 'user' },
    {
      what: 'runtimeClass',
      settings: settings({}, { runtimeClasses: ['kata'] }),
      req: {},
      annotation: 'runtimeClass',
      spec: { runtimeClassName: 'kata' },
    },
  ] as const;
  for (const e of exemptions) {
    it(`exempts by ${e.what} and records an exemption`, async () => {
      const h = harness({ settings: e.settings, namespaces: { test: { [`${P}enforce`]: 'bogus' } } });
      const spec = 'spec' in e ? e.spec : {};
      const response = await h.admission.admit(request('pods', { ...e.req, object: podObject(spec) }));
      assert.deepEqual(strip(response), { allowed: true, auditAnnotations: { exempt: e.annotation } });
      assert.deepEqual(metricLines(h), [
        'pod_security_exemptions_total{request_operation=create,resource=pod,subresource=} 1',
      ]);
    });
  }

  it('never exempts an empty username or namespace', async () => {
    const h = harness({
      settings: settings({}, { usernames: [''], namespaces: [''] }),
      namespaces: { '': { [`${P}enforce`]: 'restricted' } },
    });
    const response = await h.admission.admit(request('pods', { namespace: '', object: podObject() }));
    assert.equal(response.allowed, false);
  });

  it('fails closed with 500 when the namespace lookup fails', async () => {
    const h = harness({ lookupError: 'connection refused' });
    const response = await h.admission.admit(request('pods', { object: podObject() }));
    assert.deepEqual(strip(response), {
      allowed: false,
      status: {
        status: 'Failure',
        message: 'Internal error occurred: failed to lookup namespace "test"',
        reason: 'InternalError',
        details: { causes: [{ message: 'failed to lookup namespace "test"' }] },
        code: 500,
      },
      auditAnnotations: { error: 'Internal error occurred: failed to lookup namespace "test": connection refused' },
    });
    assert.deepEqual(metricLines(h), [
      'pod_security_errors_total{fatal=true,request_operation=create,resource=pod,subresource=} 1',
    ]);
  });

  const decodeFailures = [
    {
      what: 'a wrongly typed field',
      object: podObject({ hostNetwork: 'yes' }),
      message: 'failed to decode object',
      error:
        'failed to decode object: json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool',
    },
    {
      what: 'an unregistered kind',
      object: { apiVersion: 'example.com/v1', kind: 'Pod' },
      message: 'failed to decode object',
      error:
        'failed to decode object: no kind "Pod" is registered for version "example.com/v1" in scheme "pkg/runtime/scheme.go:111"',
    },
    {
      what: 'wrongly typed kind and apiVersion, kind first in the text',
      object: { kind: 1, apiVersion: 2 },
      message: 'failed to decode object',
      error:
        "failed to decode object: couldn't get version/kind; json parse error: json: cannot unmarshal number into Go struct field .kind of type string",
    },
    {
      what: 'wrongly typed kind and apiVersion, apiVersion first in the text',
      object: { apiVersion: 2, kind: 1 },
      message: 'failed to decode object',
      error:
        "failed to decode object: couldn't get version/kind; json parse error: json: cannot unmarshal number into Go struct field .apiVersion of type string",
    },
    {
      what: 'the options of a pod subresource with a wrongly typed field (found by the long fuzz differential)',
      object: { apiVersion: 'v1', kind: 'PodExecOptions', command: { metadata: [] } },
      message: 'failed to decode object',
      error:
        'failed to decode object: json: cannot unmarshal object into Go struct field PodExecOptions.command of type []string',
    },
    {
      what: 'a non-pod object',
      object: namespaceObject('x'),
      message: 'failed to decode pod',
      error: 'failed to decode pod',
    },
  ];
  for (const f of decodeFailures) {
    it(`denies ${f.what} with 400`, async () => {
      const h = harness({ namespaces: restrictedNs });
      const response = await h.admission.admit(request('pods', { object: f.object }));
      assert.deepEqual(strip(response), {
        allowed: false,
        status: { status: 'Failure', message: f.message, reason: 'BadRequest', code: 400 },
        auditAnnotations: { error: f.error },
      });
      assert.deepEqual(metricLines(h), [
        'pod_security_errors_total{fatal=true,request_operation=create,resource=pod,subresource=} 1',
      ]);
    });
  }

  it('does not take a defaulted kind whose version spells a registered group/version (Go keys its scheme by the struct)', async () => {
    const h = harness({ namespaces: restrictedNs });
    const withoutApiVersion = controllerObject('deployments', podObject());
    delete withoutApiVersion['apiVersion'];
    const base = request('deployments', { object: withoutApiVersion });
    // apiVersion absent: the request's kind is the default, and {group "", version "apps/v1"} is not {apps, v1}.
    const response = await h.admission.admit({ ...base, kind: { group: '', version: 'apps/v1', kind: 'Deployment' } });
    assert.deepEqual(strip(response), {
      allowed: true,
      auditAnnotations: {
        error:
          'failed to decode object: no kind "Deployment" is registered for version "apps/v1" in scheme "pkg/runtime/scheme.go:111"',
      },
    });
  });

  it('uses a single space in the old-object decode error', async () => {
    const h = harness({ namespaces: restrictedNs });
    const response = await h.admission.admit(
      request('pods', { operation: 'UPDATE', object: podObject(), oldObject: namespaceObject('x') }),
    );
    assert.equal(response.status?.message, 'failed to decode old pod');
  });

  it('allows insignificant updates silently and evaluates significant ones (§5.7)', async () => {
    const h = harness({ namespaces: restrictedNs });
    const old = podObject();
    const relabelled = { ...old, metadata: { name: 'nginx-pod', labels: { a: 'b' }, annotations: { x: 'y' } } };
    const quiet = await h.admission.admit(request('pods', { operation: 'UPDATE', object: relabelled, oldObject: old }));
    assert.deepEqual(strip(quiet), { allowed: true });
    assert.deepEqual(metricLines(h), []);
    const changed = podObject({ containers: [{ name: 'nginx', image: 'nginx:2' }] });
    const loud = await h.admission.admit(
      request('pods', { operation: 'UPDATE', object: changed, oldObject: old, subresource: 'ephemeralcontainers' }),
    );
    assert.equal(loud.allowed, false);
    assert.deepEqual(metricLines(h), [
      'pod_security_evaluations_total{decision=deny,mode=enforce,policy_level=restricted,policy_version=latest,request_operation=update,resource=pod,subresource=ephemeralcontainers} 1',
    ]);
  });

  it('labels numbered versions newer than the server as future', async () => {
    const h = harness({ namespaces: { test: { [`${P}enforce`]: 'baseline', [`${P}enforce-version`]: 'v1.38' } } });
    await h.admission.admit(request('pods', { object: restrictedPodObject() }));
    assert.deepEqual(metricLines(h), [
      'pod_security_evaluations_total{decision=allow,mode=enforce,policy_level=baseline,policy_version=future,request_operation=create,resource=pod,subresource=} 1',
    ]);
  });
});

describe('isSignificantPodUpdate', () => {
  const c = (name: string, image: string) => ({ name, image });
  const table = [
    { what: 'identical', spec: { containers: [c('a', '1')] }, old: { containers: [c('a', '1')] }, significant: false },
    {
      what: 'image changed',
      spec: { containers: [c('a', '2')] },
      old: { containers: [c('a', '1')] },
      significant: true,
    },
    {
      what: 'container added',
      spec: { containers: [c('a', '1'), c('b', '1')] },
      old: { containers: [c('a', '1')] },
      significant: true,
    },
    {
      what: 'init image changed',
      spec: { initContainers: [c('i', '2')] },
      old: { initContainers: [c('i', '1')] },
      significant: true,
    },
    { what: 'ephemeral added', spec: { ephemeralContainers: [c('e', '1')] }, old: {}, significant: true },
    {
      what: 'ephemeral image changed',
      spec: { ephemeralContainers: [c('e', '2')] },
      old: { ephemeralContainers: [c('e', '1')] },
      significant: true,
    },
    { what: 'ephemeral removed', spec: {}, old: { ephemeralContainers: [c('e', '1')] }, significant: false },
    {
      what: 'container renamed only',
      spec: { containers: [c('b', '1')] },
      old: { containers: [c('a', '1')] },
      significant: false,
    },
    { what: 'runtime class changed', spec: { runtimeClassName: 'x' }, old: {}, significant: false },
  ];
  for (const t of table) {
    it(t.what, () => assert.equal(isSignificantPodUpdate(t.spec, t.old), t.significant));
  }
});

describe('pod-controller flow (§5.5)', () => {
  const warnNs = { test: { [`${P}warn`]: 'restricted' } };

  for (const resource of [
    'deployments',
    'replicasets',
    'statefulsets',
    'daemonsets',
    'jobs',
    'cronjobs',
    'replicationcontrollers',
    'podtemplates',
  ]) {
    it(`warns on a ${resource} template that violates warn=restricted (A3)`, async () => {
      const h = harness({ namespaces: warnNs });
      const response = await h.admission.admit(request(resource, { object: controllerObject(resource, podObject()) }));
      assert.deepEqual(strip(response), {
        allowed: true,
        warnings: [`would violate PodSecurity "restricted:latest": ${A1_DETAIL}`],
      });
      assert.deepEqual(metricLines(h), [
        'pod_security_evaluations_total{decision=deny,mode=warn,policy_level=restricted,policy_version=latest,request_operation=create,resource=controller,subresource=} 1',
      ]);
    });
  }

  it('never denies, even when enforce would', async () => {
    const h = harness({ namespaces: { test: { [`${P}enforce`]: 'restricted' } } });
    const response = await h.admission.admit(
      request('deployments', { object: controllerObject('deployments', podObject()) }),
    );
    assert.deepEqual(strip(response), {
      allowed: true,
      warnings: [`would violate PodSecurity "restricted:latest": ${A1_DETAIL}`],
    });
  });

  it('skips namespaces where warn and audit are privileged', async () => {
    const h = harness({ namespaces: { test: { [`${P}enforce`]: 'restricted', [`${P}warn`]: 'privileged' } } });
    const response = await h.admission.admit(
      request('deployments', { object: controllerObject('deployments', podObject()) }),
    );
    assert.deepEqual(strip(response), { allowed: true });
  });

  it('allows any subresource', async () => {
    const h = harness({ namespaces: warnNs });
    const response = await h.admission.admit(
      request('deployments', { subresource: 'scale', object: { kind: 'Scale' } }),
    );
    assert.deepEqual(strip(response), { allowed: true });
  });

  it('fails open on lookup errors, with an error annotation and a fatal metric', async () => {
    const h = harness({ lookupError: 'boom' });
    const response = await h.admission.admit(
      request('deployments', { object: controllerObject('deployments', podObject()) }),
    );
    assert.deepEqual(strip(response), {
      allowed: true,
      auditAnnotations: { error: 'failed to lookup namespace "test": boom' },
    });
    assert.deepEqual(metricLines(h), [
      'pod_security_errors_total{fatal=true,request_operation=create,resource=controller,subresource=} 1',
    ]);
  });

  it('reports a kind without a pod template', async () => {
    const h = harness({ namespaces: warnNs });
    const response = await h.admission.admit(request('configmaps', { object: controllerObject('configmaps', null) }));
    assert.deepEqual(strip(response), {
      allowed: true,
      auditAnnotations: { error: 'failed to extract pod template: unexpected object type: /v1, Kind=ConfigMap' },
    });
  });

  it('names the kind of an object without apiVersion as the object spells it (the default is not written into it)', async () => {
    const h = harness({ namespaces: warnNs });
    const object = controllerObject('configmaps', null);
    delete object['apiVersion'];
    const response = await h.admission.admit(request('configmaps', { object }));
    assert.deepEqual(strip(response), {
      allowed: true,
      auditAnnotations: { error: 'failed to extract pod template: unexpected object type: /, Kind=ConfigMap' },
    });
  });

  it('allows a ReplicationController without a template, unevaluated', async () => {
    const h = harness({ namespaces: warnNs });
    const response = await h.admission.admit(
      request('replicationcontrollers', { object: controllerObject('replicationcontrollers', null) }),
    );
    assert.deepEqual(strip(response), { allowed: true });
    assert.deepEqual(metricLines(h), []);
  });

  it('evaluates an empty template of other controllers (it passes)', async () => {
    const h = harness({ namespaces: warnNs });
    const response = await h.admission.admit(request('deployments', { object: controllerObject('deployments', null) }));
    assert.deepEqual(strip(response), { allowed: true });
  });

  it('reports decode failures as annotations', async () => {
    const h = harness({ namespaces: warnNs });
    const object = controllerObject('deployments', podObject({ hostPID: 1 }));
    const response = await h.admission.admit(request('deployments', { object }));
    assert.deepEqual(strip(response), {
      allowed: true,
      auditAnnotations: {
        error:
          'failed to decode object: json: cannot unmarshal number into Go struct field PodSpec.spec.template.spec.hostPID of type bool',
      },
    });
  });

  it('exempts by the requesting user (a controller service account)', async () => {
    const h = harness({
      namespaces: warnNs,
      settings: settings({}, { usernames: ['system:serviceaccount:kube-system:replicaset-controller'] }),
    });
    const response = await h.admission.admit(
      request('replicasets', {
        username: 'system:serviceaccount:kube-system:replicaset-controller',
        object: controllerObject('replicasets', podObject()),
      }),
    );
    assert.deepEqual(strip(response), { allowed: true, auditAnnotations: { exempt: 'user' } });
  });
});

describe('namespace flow (§5.8)', () => {
  it('rejects invalid labels on create with 422 (A5)', async () => {
    const h = harness();
    const response = await h.admission.admit(
      request('namespaces', { name: 'test', object: namespaceObject('test', { [`${P}enforce`]: 'unknown' }) }),
    );
    assert.deepEqual(strip(response), {
      allowed: false,
      status: {
        status: 'Failure',
        message:
          'Namespace "test" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "unknown": must be one of privileged, baseline, restricted',
        reason: 'Invalid',
        details: {
          name: 'test',
          kind: 'Namespace',
          causes: [
            {
              reason: 'FieldValueInvalid',
              message: 'Invalid value: "unknown": must be one of privileged, baseline, restricted',
              field: 'metadata.labels[pod-security.kubernetes.io/enforce]',
            },
          ],
        },
        code: 422,
      },
    });
    assert.deepEqual(metricLines(h), []);
  });

  it('warns when an exempt namespace sets a policy (§5.8.2 example)', async () => {
    const h = harness({ settings: settings({}, { namespaces: ['test'] }) });
    const labels = {
      [`${P}enforce`]: 'restricted',
      [`${P}enforce-version`]: 'v1.0',
      [`${P}audit`]: 'restricted',
      [`${P}warn`]: 'baseline',
    };
    const response = await h.admission.admit(
      request('namespaces', { name: 'test', object: namespaceObject('test', labels) }),
    );
    assert.deepEqual(response.warnings, [
      'namespace "test" is exempt from Pod Security, and the policy (enforce=restricted:v1.0, audit=restricted:latest, warn=baseline:latest) will be ignored',
    ]);
  });

  it('renders an empty policy list when only the defaults differ', async () => {
    const h = harness({ settings: settings({ enforce: 'baseline', audit: 'restricted' }, { namespaces: ['test'] }) });
    const response = await h.admission.admit(
      request('namespaces', { name: 'test', object: namespaceObject('test', { [`${P}enforce`]: 'privileged' }) }),
    );
    assert.deepEqual(response.warnings, [
      'namespace "test" is exempt from Pod Security, and the policy () will be ignored',
    ]);
  });

  const update = (oldLabels: Record<string, string>, newLabels: Record<string, string>) =>
    request('namespaces', {
      name: 'test',
      operation: 'UPDATE',
      object: namespaceObject('test', newLabels),
      oldObject: namespaceObject('test', oldLabels),
    });

  it('allows an update that keeps the same invalid labels, rejects a different invalid value', async () => {
    const h = harness();
    const same = await h.admission.admit(update({ [`${P}enforce`]: 'bad' }, { [`${P}enforce`]: 'bad', other: 'x' }));
    assert.deepEqual(strip(same), { allowed: true });
    const changed = await h.admission.admit(update({ [`${P}enforce`]: 'bad' }, { [`${P}enforce`]: 'worse' }));
    assert.equal(changed.status?.code, 422);
  });

  it('lists and evaluates existing pods only when enforce tightens', async () => {
    const pods = [listedPod('p1', { hostNetwork: true, containers: [{ name: 'c' }] })];
    const cases: readonly [Record<string, string>, Record<string, string>, boolean][] = [
      [{ [`${P}enforce`]: 'baseline' }, { [`${P}enforce`]: 'baseline', [`${P}warn`]: 'restricted' }, false],
      [{ [`${P}enforce`]: 'restricted' }, { [`${P}enforce`]: 'baseline' }, false],
      [{ [`${P}enforce`]: 'restricted' }, { [`${P}enforce`]: 'privileged' }, false],
      [{ [`${P}enforce`]: 'baseline' }, { [`${P}enforce`]: 'restricted' }, true],
      [{ [`${P}enforce`]: 'restricted', [`${P}enforce-version`]: 'v1.20' }, { [`${P}enforce`]: 'baseline' }, true],
    ];
    for (const [oldLabels, newLabels, lists] of cases) {
      const h = harness({ pods });
      await h.admission.admit(update(oldLabels, newLabels));
      assert.equal(h.listCalls(), lists ? 1 : 0, JSON.stringify([oldLabels, newLabels]));
    }
  });

  it('groups violations by reasons and caps the pods checked (A4)', async () => {
    const bad = { containers: [{ name: 'c', image: 'x' }] };
    const pods = ['pod3', 'pod1', 'pod5', 'pod2', 'pod4'].map((n) => listedPod(n, bad));
    const h = harness({ pods, namespaceMaxPodsToCheck: 4 });
    const response = await h.admission.admit(
      update({ [`${P}enforce`]: 'baseline' }, { [`${P}enforce`]: 'restricted' }),
    );
    assert.deepEqual(response.warnings, [
      'new PodSecurity enforce level only checked against the first 4 of 5 existing pods',
      'existing pods in namespace "test" violate the new PodSecurity enforce level "restricted:latest"',
      'pod1 (and 3 other pods): allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
    ]);
  });

  it('sorts decorated lines, prioritizes one pod per controller and drops exempt runtime classes', async () => {
    const owner = (uid: string) => ({ ownerReferences: [{ uid, controller: true }] });
    const privileged = { containers: [{ name: 'c', securityContext: { privileged: true } }] };
    const hostNet = { hostNetwork: true, containers: [{ name: 'c' }] };
    const pods = [
      listedPod('rs-a', privileged, owner('rs')),
      listedPod('rs-b', privileged, owner('rs')),
      listedPod('rs-c', privileged, owner('rs')),
      listedPod('lonely', hostNet),
      listedPod('kata', { ...hostNet, runtimeClassName: 'kata' }),
      listedPod('aaa', hostNet),
    ];
    const h = harness({ pods, namespaceMaxPodsToCheck: 3, settings: settings({}, { runtimeClasses: ['kata'] }) });
    const response = await h.admission.admit(update({}, { [`${P}enforce`]: 'baseline' }));
    assert.deepEqual(response.warnings, [
      'new PodSecurity enforce level only checked against the first 3 of 5 existing pods',
      'existing pods in namespace "test" violate the new PodSecurity enforce level "baseline:latest"',
      'aaa (and 1 other pod): host namespaces',
      'rs-a: privileged',
    ]);
  });

  it('stops at the time budget, after at least one pod, using the injected clock', async () => {
    let now = 1_000_000;
    const bad = { hostPID: true, containers: [{ name: 'c' }] };
    const pods = Array.from({ length: 10 }, (_, i) => listedPod(`p${String(i)}`, bad));
    const h = harness({
      pods,
      clock: () => now,
      evaluator: {
        evaluatePod(levelVersion, metadata, spec) {
          now += 300; // each evaluation takes 300 ms of fake time
          return defaultEvaluatorForTest.evaluatePod(levelVersion, metadata, spec);
        },
      },
    });
    const response = await h.admission.admit(update({}, { [`${P}enforce`]: 'baseline' }));
    assert.deepEqual(response.warnings, [
      'new PodSecurity enforce level only checked against the first 4 of 10 existing pods',
      'existing pods in namespace "test" violate the new PodSecurity enforce level "baseline:latest"',
      'p0 (and 3 other pods): host namespaces',
    ]);
    // With a request deadline 1 s away, the budget halves to 500 ms: two pods.
    now = 5_000_000;
    const tight = await h.admission.admit(update({}, { [`${P}enforce`]: 'baseline' }), { deadline: now + 1000 });
    assert.equal(
      tight.warnings?.[0],
      'new PodSecurity enforce level only checked against the first 2 of 10 existing pods',
    );
  });

  it('hands the lister the end of the budget', async () => {
    const h = harness({ clock: () => 10_000 });
    await h.admission.admit(update({}, { [`${P}enforce`]: 'baseline' }));
    assert.equal(h.lastListDeadline(), 11_000);
    await h.admission.admit(update({}, { [`${P}enforce`]: 'baseline' }), { deadline: 10_600 });
    assert.equal(h.lastListDeadline(), 10_300);
  });

  it('stops evaluating existing pods when the caller aborts, and does not list after an abort', async () => {
    const controller = new AbortController();
    const bad = { hostPID: true, containers: [{ name: 'c' }] };
    const pods = Array.from({ length: 5 }, (_, i) => listedPod(`p${String(i)}`, bad));
    let evaluated = 0;
    const h = harness({
      pods,
      evaluator: {
        evaluatePod(levelVersion, metadata, spec) {
          if (++evaluated === 2) controller.abort();
          return defaultEvaluatorForTest.evaluatePod(levelVersion, metadata, spec);
        },
      },
    });
    const partial = await h.admission.admit(update({}, { [`${P}enforce`]: 'baseline' }), { signal: controller.signal });
    assert.equal(
      partial.warnings?.[0],
      'new PodSecurity enforce level only checked against the first 2 of 5 existing pods',
    );
    const none = await h.admission.admit(update({}, { [`${P}enforce`]: 'baseline' }), { signal: controller.signal });
    assert.deepEqual(none.warnings, ['failed to list pods while checking new PodSecurity enforce level']);
    assert.equal(h.listCalls(), 1);
  });

  it('reports a failed pod listing as one warning', async () => {
    const h = harness({ listError: 'timeout' });
    const response = await h.admission.admit(update({}, { [`${P}enforce`]: 'baseline' }));
    assert.deepEqual(strip(response), {
      allowed: true,
      warnings: ['failed to list pods while checking new PodSecurity enforce level'],
    });
  });

  it('uses two spaces in the old-namespace decode errors', async () => {
    const h = harness();
    const response = await h.admission.admit(
      request('namespaces', {
        name: 'test',
        operation: 'UPDATE',
        object: namespaceObject('test'),
        oldObject: podObject(),
      }),
    );
    assert.deepEqual(strip(response), {
      allowed: false,
      status: { status: 'Failure', message: 'failed to decode  old namespace', reason: 'BadRequest', code: 400 },
      auditAnnotations: { error: 'failed to decode  old namespace' },
    });
  });

  it('ignores subresources and other operations', async () => {
    const h = harness();
    const bad = namespaceObject('test', { [`${P}enforce`]: 'bad' });
    assert.deepEqual(strip(await h.admission.admit(request('namespaces', { subresource: 'status', object: bad }))), {
      allowed: true,
    });
    assert.deepEqual(strip(await h.admission.admit(request('namespaces', { operation: 'DELETE', object: bad }))), {
      allowed: true,
    });
  });
});

describe('metricPolicyVersion', () => {
  const server = majorMinor(37);
  const table: readonly [string, string][] = [
    ['restricted:latest', 'latest'],
    ['privileged:v1.99', 'latest'],
    ['baseline:v1.37', 'v1.37'],
    ['baseline:v1.0', 'v1.0'],
    ['baseline:v1.38', 'future'],
  ];
  for (const [text, expected] of table) {
    it(`${text} -> ${expected}`, () => assert.equal(metricPolicyVersion(lv(text), server), expected));
  }
  it('labels every numbered version future on a v0.0 build', () => {
    assert.equal(metricPolicyVersion(lv('baseline:v1.0'), parseVersion('v1.0').value), 'v1.0');
    assert.equal(
      metricPolicyVersion(lv('baseline:v1.0'), { latest: false, major: 0, minor: 0, text: 'v0.0' } as never),
      'future',
    );
  });
});
