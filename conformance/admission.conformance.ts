/**
 * Admission differential: our `createAdmission().admitReview(body)` against upstream's admission library driven the
 * way its webhook drives it (the Go oracle's `admission` mode). Each case is a whole AdmissionReview body plus the
 * configuration, the namespaces the lookup serves and the pods the lister returns. We compare the HTTP status, the
 * exact response bytes (the echoed request included) and every metric increment. Any difference fails the run.
 *
 * Generated: every pod-template kind and other kinds, pods (CREATE/UPDATE, significant or not, subresources),
 * namespaces (label validation, tightening over sets of existing pods, exempt-namespace warnings), each object with
 * its own apiVersion and kind or with either or both left to the request's kind (also one whose version spells
 * `group/v1`), requests bent in one field the API server would not send (the kind's version, one subresource field
 * only, the resource's group, the object's namespace, the namespace's name), valid and invalid labels,
 * username/namespace/runtimeClass exemptions, lookup and list failures, several configurations, one review in nine
 * damaged around the object (ENVELOPE_MUTATIONS), plus a few deterministic cases (the 3000-pod cap).
 *
 * Usage: node --import tsx conformance/admission.conformance.ts [--cases N] [--seed S]
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { createAdmission, CountingMetrics } from '../src/admission/index.ts';
import type { AdmissionSettings, ListedPod, MetricSample } from '../src/admission/index.ts';
import { parseLevel, parseVersion } from '../src/api/index.ts';
import type { LevelVersion } from '../src/api/index.ts';
import { decodeObjectMeta, decodePodSpec } from '../src/k8s/decode-pod.ts';
import type { Namespace } from '../src/k8s/namespace.ts';
import { generateSchemaSource } from './admission-schema.ts';
import { type JsonObject, podInMood } from './arbitraries.ts';
import { parseSuiteArgs, randomSeed, UsageError } from './lib/args.ts';
import { buildOracle, startOracle } from './lib/oracle.ts';

const DEFAULT_CASES = 5_000;
const CHUNK = 1_000;
const SHOW = 3;

// ---------------------------------------------------------------------------------------------------------------------
// Inputs shared by both sides

interface ConfigSpec {
  readonly name: string;
  readonly defaults: Readonly<Record<string, string>>;
  readonly exemptions: {
    readonly usernames: string[];
    readonly namespaces: string[];
    readonly runtimeClasses: string[];
  };
}

const CONFIGS: readonly ConfigSpec[] = [
  {
    name: 'default',
    defaults: {},
    exemptions: { usernames: [], namespaces: [], runtimeClasses: [] },
  },
  {
    name: 'talos',
    defaults: { enforce: 'baseline', audit: 'restricted', warn: 'restricted' },
    exemptions: { usernames: [], namespaces: ['kube-system'], runtimeClasses: [] },
  },
  {
    name: 'mixed',
    defaults: {
      enforce: 'restricted',
      'enforce-version': 'v1.25',
      audit: 'baseline',
      'audit-version': 'v1.30',
      warn: 'restricted',
      'warn-version': 'latest',
    },
    exemptions: {
      usernames: ['system:serviceaccount:kube-system:replicaset-controller', 'alice'],
      namespaces: ['exempt-ns', 'kube-system'],
      runtimeClasses: ['kata', 'gvisor'],
    },
  },
  {
    name: 'future',
    defaults: {
      enforce: 'privileged',
      warn: 'baseline',
      'warn-version': 'v1.99',
      audit: 'restricted',
      'audit-version': 'v1.38',
    },
    exemptions: { usernames: ['bob'], namespaces: ['exempt-ns'], runtimeClasses: ['kata'] },
  },
];

function configText(c: ConfigSpec): string {
  return JSON.stringify({
    apiVersion: 'pod-security.admission.config.k8s.io/v1',
    kind: 'PodSecurityConfiguration',
    defaults: c.defaults,
    exemptions: c.exemptions,
  });
}

function toSettings(c: ConfigSpec): AdmissionSettings {
  const lv = (mode: string): LevelVersion => ({
    level: parseLevel(c.defaults[mode] ?? 'privileged').value,
    version: parseVersion(c.defaults[`${mode}-version`] ?? 'latest').value,
  });
  return { defaults: { enforce: lv('enforce'), audit: lv('audit'), warn: lv('warn') }, exemptions: c.exemptions };
}

/** One line for the oracle's `admission` mode (and everything our side needs). */
interface AdmissionCase {
  readonly id: number;
  readonly config: string;
  readonly configIndex: number;
  readonly namespaces: readonly JsonObject[];
  readonly namespaceError?: string;
  readonly pods: readonly JsonObject[];
  readonly podListError?: string;
  readonly body: string;
}

interface OracleAnswer {
  readonly id: number;
  readonly httpStatus: number;
  readonly body: string;
  readonly metrics: readonly MetricSample[];
  readonly error?: string;
}

// ---------------------------------------------------------------------------------------------------------------------
// Generators

const LEVEL_VALUES = ['privileged', 'baseline', 'restricted', '', 'Restricted', 'bogus'];
const VERSION_VALUES = ['latest', 'v1.0', 'v1.22', 'v1.25', 'v1.35', 'v1.37', 'v1.38', 'v1.99', 'v1.01', '', 'v2.0'];
const LABEL_KEYS = ['enforce', 'enforce-version', 'audit', 'audit-version', 'warn', 'warn-version'];

const labelValue = (key: string): fc.Arbitrary<string> =>
  key.endsWith('-version')
    ? fc.oneof(
        { arbitrary: fc.constantFrom(...VERSION_VALUES.slice(0, 8)), weight: 8 },
        { arbitrary: fc.constantFrom(...VERSION_VALUES), weight: 1 },
      )
    : fc.oneof(
        { arbitrary: fc.constantFrom(...LEVEL_VALUES.slice(0, 3)), weight: 10 },
        { arbitrary: fc.constantFrom(...LEVEL_VALUES), weight: 1 },
      );

/** PSA labels; a null value (which Go decodes as an empty, present label) now and then. */
const psaLabels: fc.Arbitrary<Record<string, string | null>> = fc
  .subarray(LABEL_KEYS)
  .chain((keys) =>
    fc.tuple(
      ...keys.map((k) =>
        fc
          .oneof({ arbitrary: labelValue(k), weight: 30 }, { arbitrary: fc.constant(null), weight: 1 })
          .map((v) => [`pod-security.kubernetes.io/${k}`, v] as const),
      ),
    ),
  )
  .chain((entries) =>
    fc
      .boolean()
      .map((extra) => ({ ...(extra ? { 'kubernetes.io/metadata.name': 'x' } : {}), ...Object.fromEntries(entries) })),
  );

const NAMESPACE_NAMES = ['default', 'test', 'exempt-ns', 'kube-system'];
const namespaceName = fc.constantFrom(...NAMESPACE_NAMES);

const username = fc.constantFrom(
  '',
  'alice',
  'bob',
  'system:serviceaccount:kube-system:replicaset-controller',
  'carol',
);

/** Pods in the tame moods (the wild mood sets several wrongly typed fields at once, whose Go error order we skip). */
const pod: fc.Arbitrary<JsonObject> = fc
  .oneof(
    { arbitrary: podInMood('restricted'), weight: 4 },
    { arbitrary: podInMood('baseline'), weight: 4 },
    { arbitrary: podInMood('wild'), weight: 1 },
  )
  .chain((p) =>
    fc
      .record({
        name: fc.constantFrom('web', 'db', 'pod-a', 'pod-b', 'Zed', 'émile', 'a<b>&c'),
        rc: fc.constantFrom(undefined, 'kata', 'runc'),
      })
      .map(({ name, rc }) => {
        const metadata = { ...(p['metadata'] as JsonObject), name };
        const spec = { ...(p['spec'] as JsonObject) };
        if (rc !== undefined) spec['runtimeClassName'] = rc;
        return { ...p, metadata, spec };
      }),
  );

/** One wrongly typed field Pod Security reads (upstream fails the decode with a precise error). */
const badField: fc.Arbitrary<(p: JsonObject) => JsonObject> = fc.constantFrom(
  (p: JsonObject) => ({ ...p, spec: { ...(p['spec'] as JsonObject), hostNetwork: 'yes' } }),
  (p: JsonObject) => ({
    ...p,
    spec: { ...(p['spec'] as JsonObject), containers: [{ name: 'c', securityContext: { privileged: 1 } }] },
  }),
  (p: JsonObject) => ({ ...p, spec: { ...(p['spec'] as JsonObject), ephemeralContainers: [{ name: 7 }] } }),
  (p: JsonObject) => ({ ...p, metadata: { name: 'x', labels: { a: 1 } } }),
  (p: JsonObject) => ({ ...p, spec: { ...(p['spec'] as JsonObject), volumes: [{ name: 'v', hostPath: 'x' }] } }),
  (p: JsonObject) => ({ ...p, spec: { ...(p['spec'] as JsonObject), securityContext: { runAsUser: 1.5 } } }),
  (p: JsonObject) => ({ ...p, spec: 'nope' }),
  // Fields Pod Security never reads still fail upstream's decode.
  (p: JsonObject) => ({ ...p, spec: { ...(p['spec'] as JsonObject), restartPolicy: 5 } }),
  (p: JsonObject) => ({ ...p, spec: { ...(p['spec'] as JsonObject), terminationGracePeriodSeconds: '30' } }),
  (p: JsonObject) => ({ ...p, spec: { ...(p['spec'] as JsonObject), nodeSelector: { zone: true } } }),
  (p: JsonObject) => ({
    ...p,
    spec: { ...(p['spec'] as JsonObject), tolerations: [{ key: 'k', tolerationSeconds: 1.5 }] },
  }),
  (p: JsonObject) => ({ ...p, metadata: { name: 'x', creationTimestamp: 'yesterday' } }),
  (p: JsonObject) => ({ ...p, metadata: { name: 'x', creationTimestamp: '2024-13-01T00:00:00Z' } }),
  (p: JsonObject) => ({ ...p, metadata: { name: 'x', creationTimestamp: '2024-02-30T00:00:00Z' } }),
  (p: JsonObject) => ({ ...p, metadata: { name: 'x', creationTimestamp: '2024-01-01T00:00:00Zjunk' } }),
  (p: JsonObject) => ({ ...p, metadata: { name: 'x', creationTimestamp: 5 } }),
  (p: JsonObject) => ({
    ...p,
    spec: { ...(p['spec'] as JsonObject), containers: [{ name: 'c', resources: { limits: { cpu: 'lots' } } }] },
  }),
  (p: JsonObject) => ({
    ...p,
    spec: { ...(p['spec'] as JsonObject), containers: [{ name: 'c', resources: { requests: { memory: '1Zi' } } }] },
  }),
  (p: JsonObject) => ({
    ...p,
    spec: { ...(p['spec'] as JsonObject), containers: [{ name: 'c', resources: { requests: { memory: true } } }] },
  }),
  (p: JsonObject) => ({
    ...p,
    spec: { ...(p['spec'] as JsonObject), containers: [{ name: 'c', livenessProbe: { httpGet: { port: true } } }] },
  }),
  (p: JsonObject) => ({
    ...p,
    spec: { ...(p['spec'] as JsonObject), containers: [{ name: 'c', env: { A: 'b' }, ports: [{ name: 7 }] }] },
  }),
  (p: JsonObject) => ({ ...p, status: { phase: 5, startTime: 'x' } }),
  // Two defects: the first in document order wins, unless the second stops decoding at once.
  (p: JsonObject) => ({ ...p, spec: { ...(p['spec'] as JsonObject), hostPID: 'x', restartPolicy: 5 } }),
  (p: JsonObject) => ({ metadata: { name: 'x', labels: { a: 1 }, creationTimestamp: 'bad' }, spec: p['spec'] ?? null }),
);

const CONTROLLERS: readonly { group: string; resource: string; kind: string; wrap: (t: JsonObject) => JsonObject }[] = [
  { group: 'apps', resource: 'deployments', kind: 'Deployment', wrap: (t) => ({ spec: { template: t } }) },
  { group: 'apps', resource: 'replicasets', kind: 'ReplicaSet', wrap: (t) => ({ spec: { template: t } }) },
  { group: 'apps', resource: 'statefulsets', kind: 'StatefulSet', wrap: (t) => ({ spec: { template: t } }) },
  { group: 'apps', resource: 'daemonsets', kind: 'DaemonSet', wrap: (t) => ({ spec: { template: t } }) },
  { group: 'batch', resource: 'jobs', kind: 'Job', wrap: (t) => ({ spec: { template: t } }) },
  {
    group: 'batch',
    resource: 'cronjobs',
    kind: 'CronJob',
    wrap: (t) => ({ spec: { jobTemplate: { spec: { template: t } } } }),
  },
  {
    group: '',
    resource: 'replicationcontrollers',
    kind: 'ReplicationController',
    wrap: (t) => ({ spec: { template: t } }),
  },
  { group: '', resource: 'podtemplates', kind: 'PodTemplate', wrap: (t) => ({ template: t }) },
  { group: '', resource: 'configmaps', kind: 'ConfigMap', wrap: () => ({ data: { a: 'b' } }) },
  { group: 'example.com', resource: 'foos', kind: 'Foo', wrap: (t) => ({ spec: { template: t } }) },
];

function template(p: JsonObject): JsonObject {
  return { metadata: p['metadata'] as JsonObject, spec: p['spec'] as JsonObject };
}

interface Shape {
  readonly request: JsonObject;
  readonly namespaces: readonly JsonObject[];
  readonly pods: readonly JsonObject[];
  readonly namespaceError?: string;
  readonly podListError?: string;
}

/**
 * How a request object's type is known: its own apiVersion and kind; one or both left to the request's kind; or a
 * request kind whose version spells `group/v1` with an empty group (Go's scheme is keyed by the struct: unregistered).
 */
type TypeMetaStyle = 'own' | 'noApiVersion' | 'noKind' | 'neither' | 'aliased';
const typeMetaStyle: fc.Arbitrary<TypeMetaStyle> = fc.oneof(
  { arbitrary: fc.constant('own' as const), weight: 24 },
  {
    arbitrary: fc.constantFrom('noApiVersion' as const, 'noKind' as const, 'neither' as const, 'aliased' as const),
    weight: 3,
  },
);

/** The object and the request kind for a style; `group` and `kind` are the object's real type. */
function withTypeMeta(
  object: JsonObject,
  style: TypeMetaStyle,
  group: string,
  kind: string,
): { object: JsonObject; requestKind: JsonObject } {
  const apiVersion = group === '' ? 'v1' : `${group}/v1`;
  const requestKind = style === 'aliased' ? { group: '', version: apiVersion, kind } : { group, version: 'v1', kind };
  const out: Record<string, JsonObject[string]> = { ...object };
  if (style === 'noApiVersion' || style === 'aliased' || style === 'neither') delete out['apiVersion'];
  if (style === 'noKind' || style === 'neither') delete out['kind'];
  return { object: out, requestKind };
}

const podRequest: fc.Arbitrary<Shape> = fc
  .record({
    ns: namespaceName,
    labels: psaLabels,
    user: username,
    op: fc.oneof(
      { arbitrary: fc.constantFrom('CREATE', 'CREATE', 'UPDATE'), weight: 30 },
      { arbitrary: fc.constantFrom('DELETE', 'CONNECT'), weight: 1 },
    ),
    sub: fc.oneof(
      { arbitrary: fc.constant(''), weight: 8 },
      { arbitrary: fc.constantFrom('ephemeralcontainers', 'status', 'exec', 'resize', 'binding', 'foo'), weight: 2 },
    ),
    pod,
    change: fc.constantFrom('none', 'image', 'count', 'ephemeral', 'labels'),
    bad: fc.option(badField, { freq: 12 }),
    lookupError: fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 15 },
      { arbitrary: fc.constant('connection refused'), weight: 1 },
    ),
    missingNs: fc.oneof({ arbitrary: fc.constant(false), weight: 15 }, { arbitrary: fc.constant(true), weight: 1 }),
    nullObject: fc.oneof({ arbitrary: fc.constant(false), weight: 30 }, { arbitrary: fc.constant(true), weight: 1 }),
    typeMeta: typeMetaStyle,
    // Requests the API server would not send as such, each bending one field: the request kind's version, only one
    // of the two subresource fields, the object's own namespace, the resource's group.
    quirk: fc.oneof(
      { arbitrary: fc.constant('none' as const), weight: 20 },
      {
        arbitrary: fc.constantFrom(
          'kindV2' as const,
          'requestSubOnly' as const,
          'subOnly' as const,
          'otherNamespace' as const,
          'resourceGroup' as const,
        ),
        weight: 3,
      },
    ),
  })
  .map(({ ns, labels, user, op, sub, pod: p, change, bad, lookupError, missingNs, nullObject, typeMeta, quirk }) => {
    const bent =
      quirk === 'otherNamespace' ? { ...p, metadata: { ...(p['metadata'] as JsonObject), namespace: 'elsewhere' } } : p;
    const typed = withTypeMeta(bad === null ? bent : bad(bent), typeMeta, '', 'Pod');
    const object = typed.object;
    let old: JsonObject | undefined;
    if (op === 'UPDATE') {
      const spec = { ...(p['spec'] as JsonObject) };
      const containers = Array.isArray(spec['containers']) ? (spec['containers'] as JsonObject[]) : [];
      if (change === 'image' && containers.length > 0)
        spec['containers'] = [{ ...containers[0], image: 'old:1' }, ...containers.slice(1)];
      else if (change === 'count') spec['containers'] = [...containers, { name: 'extra', image: 'x' }];
      else if (change === 'ephemeral') spec['ephemeralContainers'] = [];
      old = withTypeMeta(
        {
          ...p,
          metadata: {
            ...(p['metadata'] as JsonObject),
            labels: change === 'labels' ? { other: 'x' } : { app: 'demo' },
          },
          spec,
        },
        typeMeta,
        '',
        'Pod',
      ).object;
    }
    const subresources =
      sub === ''
        ? {}
        : quirk === 'requestSubOnly'
          ? { requestSubResource: sub }
          : quirk === 'subOnly'
            ? { subResource: sub }
            : { subResource: sub, requestSubResource: sub };
    const request: JsonObject = {
      uid: `uid-${ns}`,
      kind: quirk === 'kindV2' ? { ...typed.requestKind, version: 'v2' } : typed.requestKind,
      resource: { group: quirk === 'resourceGroup' ? 'example.com' : '', version: 'v1', resource: 'pods' },
      ...subresources,
      name: (p['metadata'] as JsonObject)['name'] ?? '',
      namespace: ns,
      operation: op,
      userInfo: {
        username: user,
        groups: ['system:authenticated'],
        extra: { 'authentication.kubernetes.io/node-name': ['n1'], z: null },
      },
      requestKind: { group: '', version: 'v1', kind: 'Pod' },
      options: { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1', fieldManager: 'kubectl <client>' },
      object: nullObject || op === 'DELETE' ? null : object,
      ...(old === undefined ? {} : { oldObject: old }),
      dryRun: false,
    };
    return {
      request,
      namespaces: missingNs ? [] : [{ metadata: { name: ns, labels } }],
      pods: [],
      ...(lookupError === undefined ? {} : { namespaceError: lookupError }),
    };
  });

const controllerRequest: fc.Arbitrary<Shape> = fc
  .record({
    ns: namespaceName,
    labels: psaLabels,
    user: username,
    op: fc.oneof(
      { arbitrary: fc.constantFrom('CREATE', 'UPDATE'), weight: 30 },
      { arbitrary: fc.constant('DELETE'), weight: 1 },
    ),
    sub: fc.oneof(
      { arbitrary: fc.constant(''), weight: 10 },
      { arbitrary: fc.constantFrom('status', 'scale'), weight: 1 },
    ),
    controller: fc.constantFrom(...CONTROLLERS),
    pod,
    bad: fc.option(badField, { freq: 12 }),
    nullTemplate: fc.oneof({ arbitrary: fc.constant(false), weight: 12 }, { arbitrary: fc.constant(true), weight: 1 }),
    lookupError: fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 15 },
      { arbitrary: fc.constant('connection refused'), weight: 1 },
    ),
    typeMeta: typeMetaStyle,
    // As for pods: the request kind's version, or the resource's group, bent.
    quirk: fc.oneof(
      { arbitrary: fc.constant('none' as const), weight: 20 },
      { arbitrary: fc.constantFrom('kindV2' as const, 'resourceGroup' as const), weight: 2 },
    ),
  })
  .map(({ ns, labels, user, op, sub, controller, pod: p, bad, nullTemplate, lookupError, typeMeta, quirk }) => {
    const t = template(bad === null ? p : bad(p));
    const body =
      nullTemplate && controller.kind === 'ReplicationController' ? { spec: { replicas: 1 } } : controller.wrap(t);
    const apiVersion = controller.group === '' ? 'v1' : `${controller.group}/v1`;
    const typed = withTypeMeta(
      { apiVersion, kind: controller.kind, metadata: { name: 'ctrl', namespace: ns }, ...body },
      typeMeta,
      controller.group,
      controller.kind,
    );
    const object = typed.object;
    const request: JsonObject = {
      uid: 'uid-ctrl',
      kind: quirk === 'kindV2' ? { ...typed.requestKind, version: 'v2' } : typed.requestKind,
      resource: {
        group: quirk === 'resourceGroup' ? `${controller.group}x` : controller.group,
        version: 'v1',
        resource: controller.resource,
      },
      ...(sub === '' ? {} : { subResource: sub, requestSubResource: sub }),
      name: 'ctrl',
      namespace: ns,
      operation: op,
      userInfo: { username: user },
      ...(op === 'DELETE' ? { oldObject: object } : { object }),
      ...(op === 'UPDATE' ? { oldObject: object } : {}),
    };
    return {
      request,
      namespaces: [{ metadata: { name: ns, labels } }],
      pods: [],
      ...(lookupError === undefined ? {} : { namespaceError: lookupError }),
    };
  });

const existingPod: fc.Arbitrary<JsonObject> = fc
  .record({
    p: pod,
    owner: fc.constantFrom(undefined, 'rs-1', 'rs-2', 'ds-1'),
    name: fc.constantFrom('a', 'b', 'c', 'web-1', 'web-2', 'Zed', 'émile', ''),
  })
  .map(({ p, owner, name }) => {
    const metadata: Record<string, unknown> = { ...(p['metadata'] as JsonObject), name };
    if (owner !== undefined)
      metadata['ownerReferences'] = [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, uid: owner, controller: true },
      ];
    return { ...p, metadata } as JsonObject;
  })
  // Existing pods come from the API server: keep only well-typed ones.
  .filter((p) => decodeObjectMeta(p['metadata']).issues.length === 0 && decodePodSpec(p['spec']).issues.length === 0);

const namespaceRequest: fc.Arbitrary<Shape> = fc
  .record({
    ns: namespaceName,
    oldLabels: psaLabels,
    newLabels: psaLabels,
    op: fc.constantFrom('CREATE', 'UPDATE', 'UPDATE', 'UPDATE', 'DELETE'),
    sub: fc.oneof(
      { arbitrary: fc.constant(''), weight: 12 },
      { arbitrary: fc.constantFrom('status', 'finalize'), weight: 1 },
    ),
    pods: fc.array(existingPod, { maxLength: 8 }),
    sameLabels: fc.boolean(),
    badLabel: fc.oneof({ arbitrary: fc.constant(false), weight: 20 }, { arbitrary: fc.constant(true), weight: 1 }),
    podListError: fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 15 },
      { arbitrary: fc.constant('the server is unavailable'), weight: 1 },
    ),
    typeMeta: typeMetaStyle,
    // The request's name or namespace not the object's, as the API server would not send them.
    quirk: fc.oneof(
      { arbitrary: fc.constant('none' as const), weight: 20 },
      { arbitrary: fc.constantFrom('otherName' as const, 'noNamespace' as const), weight: 2 },
    ),
  })
  .map(({ ns, oldLabels, newLabels, op, sub, pods, sameLabels, badLabel, podListError, typeMeta, quirk }) => {
    const labels: JsonObject = sameLabels ? oldLabels : badLabel ? { ...newLabels, team: 7 } : newLabels;
    const typed = withTypeMeta(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } },
      typeMeta,
      '',
      'Namespace',
    );
    const object = typed.object;
    const request: JsonObject = {
      uid: 'uid-ns',
      kind: typed.requestKind,
      resource: { group: '', version: 'v1', resource: 'namespaces' },
      ...(sub === '' ? {} : { subResource: sub, requestSubResource: sub }),
      name: quirk === 'otherName' ? 'other-ns' : ns,
      namespace: quirk === 'noNamespace' ? '' : ns,
      operation: op,
      userInfo: { username: 'admin' },
      object,
      ...(op === 'UPDATE'
        ? {
            oldObject: withTypeMeta(
              { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: oldLabels } },
              typeMeta,
              '',
              'Namespace',
            ).object,
          }
        : {}),
    };
    return { request, namespaces: [], pods, ...(podListError === undefined ? {} : { podListError }) };
  });

const V1 = { kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1' };

/**
 * Damage to the review around the object, as a hostile or broken client might send it: wrongly typed request fields,
 * a missing, null or misspelt request, a response already present, unknown fields, a repeated key. Each returns the
 * whole body text. Repeated keys are left out: Go decodes a repeated member into what the first one filled (and a
 * later `null` into a string keeps the earlier value), JSON.parse keeps the last; the API server never sends them
 * (docs/webhook.md, "Endpoints and HTTP behaviour").
 */
const ENVELOPE_MUTATIONS: readonly ((r: JsonObject) => string)[] = [
  (r) => JSON.stringify({ ...V1, request: { ...r, uid: 123 } }),
  (r) => JSON.stringify({ ...V1, request: { ...r, kind: 'Pod' } }),
  (r) => JSON.stringify({ ...V1, request: { ...r, kind: { ...(r['kind'] as JsonObject), group: 1 } } }),
  (r) => JSON.stringify({ ...V1, request: { ...r, resource: [] } }),
  (r) => JSON.stringify({ ...V1, request: { ...r, operation: 5 } }),
  (r) => JSON.stringify({ ...V1, request: { ...r, userInfo: { username: 5 } } }),
  (r) => JSON.stringify({ ...V1, request: { ...r, userInfo: { username: 'u', groups: 'a' } } }),
  (r) => JSON.stringify({ ...V1, request: { ...r, userInfo: { username: 'u', extra: { a: 'b' } } } }),
  (r) => JSON.stringify({ ...V1, request: { ...r, userInfo: { username: 'u', extra: { a: [1] } } } }),
  (r) => JSON.stringify({ ...V1, request: { ...r, dryRun: 'true' } }),
  (r) => JSON.stringify({ ...V1, request: { ...r, name: 1 } }),
  (r) => JSON.stringify({ ...V1, request: { ...r, namespace: null } }),
  (r) => JSON.stringify({ ...V1, request: { ...r, subResource: 7 } }),
  (r) => JSON.stringify({ ...V1, request: { ...r, requestKind: 'x' } }),
  (r) => JSON.stringify({ ...V1, request: { ...r, object: 'x' } }),
  (r) => JSON.stringify({ ...V1, request: { ...r, object: 5 } }),
  (r) => JSON.stringify({ ...V1, request: { ...r, object: [] } }),
  (r) => JSON.stringify({ ...V1, request: { ...r, options: 'x' } }),
  (r) => JSON.stringify({ ...V1, request: { ...r, UID: 'other', Name: 'other' } }),
  () => JSON.stringify({ ...V1, request: null }),
  () => JSON.stringify({ ...V1, request: [] }),
  (r) => JSON.stringify({ ...V1, Request: r }),
  (r) => JSON.stringify({ ...V1, foo: 1, request: r }),
  (r) => JSON.stringify({ ...V1, request: r, response: { uid: 5 } }),
  (r) => JSON.stringify({ ...V1, request: r, response: { uid: 'x', allowed: 'yes' } }),
  (r) => JSON.stringify({ ...V1, request: r, response: { uid: 'x', allowed: false, warnings: ['w'] } }),
  (r) => JSON.stringify({ kind: 'AdmissionReview', apiVersion: 5, request: r }),
  (r) => JSON.stringify({ kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v2', request: r }),
  (r) => JSON.stringify({ kind: 'Pod', apiVersion: 'v1', request: r }),
];

/** Bodies as text: mostly plain JSON, sometimes pretty-printed (whitespace inside the echoed object), odd or damaged. */
const caseArb: fc.Arbitrary<{ shape: Shape; configIndex: number; style: number; envelope: number | null }> = fc.record({
  shape: fc.oneof(
    { arbitrary: podRequest, weight: 5 },
    { arbitrary: controllerRequest, weight: 4 },
    { arbitrary: namespaceRequest, weight: 3 },
  ),
  configIndex: fc.integer({ min: 0, max: CONFIGS.length - 1 }),
  style: fc.integer({ min: 0, max: 9 }),
  // One review in nine is damaged.
  envelope: fc.oneof(
    { arbitrary: fc.constant(null), weight: 8 },
    { arbitrary: fc.integer({ min: 0, max: ENVELOPE_MUTATIONS.length - 1 }), weight: 1 },
  ),
});

function renderBody(request: JsonObject, style: number): string {
  if (style === 0)
    return JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request }, null, 2);
  if (style === 1) return JSON.stringify({ request });
  if (style === 2) return JSON.stringify({ kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1beta1', request });
  const text = JSON.stringify({ kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1', request });
  // A whole number written as a float or with an exponent: Go reads integers from the literal and rejects it.
  if (style === 4) return text.replace(/("(?:runAsUser|containerPort|hostPort|runAsGroup)":-?\d+)/, '$1.0');
  if (style === 5) return text.replace(/("(?:runAsUser|containerPort|hostPort|fsGroup)":)(-?\d+)/, '$1$2e0');
  return text;
}

// ---------------------------------------------------------------------------------------------------------------------
// Our side

function notFound(name: string): Error {
  return new Error(`namespaces ${JSON.stringify(name)} not found`);
}

async function runOurs(c: AdmissionCase): Promise<OracleAnswer> {
  const config = CONFIGS[c.configIndex]!;
  const metrics = new CountingMetrics(parseVersion('v1.37').value);
  const byName = new Map<string, Namespace>();
  for (const raw of c.namespaces) {
    const meta = decodeObjectMeta(raw['metadata']).value;
    byName.set(meta.name ?? '', { metadata: meta });
  }
  const listed: ListedPod[] = c.pods.map((p) => ({
    metadata: decodeObjectMeta(p['metadata']).value,
    spec: decodePodSpec(p['spec']).value,
  }));
  const admission = createAdmission({
    settings: toSettings(config),
    namespaces: {
      getNamespace: (name) => {
        if (c.namespaceError !== undefined) return Promise.reject(new Error(c.namespaceError));
        const ns = byName.get(name);
        return ns === undefined ? Promise.reject(notFound(name)) : Promise.resolve(ns);
      },
    },
    pods: {
      listPods: () =>
        c.podListError !== undefined ? Promise.reject(new Error(c.podListError)) : Promise.resolve(listed),
    },
    metrics,
  });
  const out = await admission.admitReview(c.body);
  return {
    id: c.id,
    httpStatus: out.ok ? 200 : out.httpStatus,
    body: out.ok ? out.body : `${out.message}\n`,
    metrics: metrics.samples(),
  };
}

function sameMetrics(a: readonly MetricSample[], b: readonly MetricSample[]): boolean {
  const norm = (list: readonly MetricSample[]): string =>
    JSON.stringify(
      list
        .map(
          (s) =>
            `${s.name}{${Object.keys(s.labels)
              .sort()
              .map((k) => `${k}=${s.labels[k] ?? ''}`)
              .join(',')}}=${String(s.value)}`,
        )
        .sort(),
    );
  return norm(a) === norm(b);
}

// ---------------------------------------------------------------------------------------------------------------------

function deterministicCases(): { shape: Shape; configIndex: number; style: number }[] {
  const restrictedNs = (labels: Record<string, string>): JsonObject => ({ metadata: { name: 'test', labels } });
  const badPod = (i: number, owner?: string): JsonObject => ({
    metadata: {
      name: `pod${String(i).padStart(4, '0')}`,
      ...(owner === undefined ? {} : { ownerReferences: [{ uid: owner, controller: true }] }),
    },
    spec: { containers: [{ name: 'c', image: 'x', securityContext: { privileged: i % 3 === 0 } }] },
  });
  const nsUpdate = (pods: JsonObject[]): Shape => ({
    request: {
      uid: 'cap',
      kind: { group: '', version: 'v1', kind: 'Namespace' },
      resource: { group: '', version: 'v1', resource: 'namespaces' },
      name: 'test',
      namespace: 'test',
      operation: 'UPDATE',
      userInfo: { username: 'admin' },
      object: restrictedNs({ 'pod-security.kubernetes.io/enforce': 'restricted' }),
      oldObject: restrictedNs({ 'pod-security.kubernetes.io/enforce': 'baseline' }),
    },
    namespaces: [],
    pods,
  });
  return [
    // The 3000-pod cap, with controller de-duplication pushing replicas to the end.
    {
      shape: nsUpdate(
        Array.from({ length: 3005 }, (_, i) => badPod(i, i % 2 === 0 ? `rs-${String(i % 7)}` : undefined)),
      ),
      configIndex: 0,
      style: 3,
    },
    // A4: five violating pods.
    { shape: nsUpdate(Array.from({ length: 5 }, (_, i) => badPod(i + 1))), configIndex: 0, style: 3 },
    // A5: an invalid enforce label on create.
    {
      shape: {
        request: {
          uid: 'a5',
          kind: { group: '', version: 'v1', kind: 'Namespace' },
          resource: { group: '', version: 'v1', resource: 'namespaces' },
          name: 'test',
          namespace: 'test',
          operation: 'CREATE',
          userInfo: {},
          object: restrictedNs({ 'pod-security.kubernetes.io/enforce': 'unknown' }),
        },
        namespaces: [],
        pods: [],
      },
      configIndex: 0,
      style: 3,
    },
    // A controller DELETE without an object: upstream's handler crashes (500).
    {
      shape: {
        request: {
          uid: 'del',
          kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
          resource: { group: 'apps', version: 'v1', resource: 'deployments' },
          name: 'd',
          namespace: 'test',
          operation: 'DELETE',
          userInfo: {},
        },
        namespaces: [restrictedNs({ 'pod-security.kubernetes.io/warn': 'restricted' })],
        pods: [],
      },
      configIndex: 0,
      style: 3,
    },
  ];
}

function toCase(
  id: number,
  g: { shape: Shape; configIndex: number; style: number; envelope?: number | null },
): AdmissionCase {
  const config = CONFIGS[g.configIndex]!;
  return {
    id,
    config: configText(config),
    configIndex: g.configIndex,
    namespaces: g.shape.namespaces,
    pods: g.shape.pods,
    ...(g.shape.namespaceError === undefined ? {} : { namespaceError: g.shape.namespaceError }),
    ...(g.shape.podListError === undefined ? {} : { podListError: g.shape.podListError }),
    body:
      g.envelope === undefined || g.envelope === null
        ? renderBody(g.shape.request, g.style)
        : ENVELOPE_MUTATIONS[g.envelope]!(g.shape.request),
  };
}

async function main(): Promise<number> {
  let options;
  try {
    options = parseSuiteArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`admission conformance: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const total = options.cases ?? DEFAULT_CASES;
  const seed = options.seed ?? randomSeed();
  process.stdout.write(`admission differential: ${String(total)} generated cases, seed ${String(seed)}\n`);
  const binary = buildOracle();
  // The generated Go type schema must match the oracle's upstream module.
  const schemaPath = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'admission', 'go-schema.ts');
  if (readFileSync(schemaPath, 'utf8') !== generateSchemaSource(binary)) {
    process.stdout.write(
      'src/admission/go-schema.ts is out of date: run node --import tsx conformance/admission-schema.ts\n',
    );
    return 1;
  }
  const oracle = startOracle<AdmissionCase, OracleAnswer>('admission', { binary });
  const generated = fc.sample(caseArb, { numRuns: total, seed });
  const all = [...deterministicCases(), ...generated].map((g, i) => toCase(i, g));
  let differences = 0;
  let shown = 0;
  const tally = new Map<string, number>();
  for (let start = 0; start < all.length; start += CHUNK) {
    const batch = all.slice(start, start + CHUNK);
    const answers = await oracle.send(batch);
    for (let i = 0; i < batch.length; i++) {
      const c = batch[i]!;
      const up = answers[i]!;
      if (up.error !== undefined) throw new Error(`oracle could not run case ${String(c.id)}: ${up.error}`);
      const ours = await runOurs(c);
      const outcome =
        up.httpStatus !== 200
          ? `http${String(up.httpStatus)}`
          : /"allowed":true/.test(up.body.slice(up.body.lastIndexOf('"response"')))
            ? 'allowed'
            : 'denied';
      const warned = up.body.includes('"warnings":[') ? '+warnings' : '';
      tally.set(outcome + warned, (tally.get(outcome + warned) ?? 0) + 1);
      if (ours.httpStatus === up.httpStatus && ours.body === up.body && sameMetrics(ours.metrics, up.metrics)) continue;
      differences++;
      if (shown < SHOW) {
        shown++;
        const bodyPreview = c.body.length > 4000 ? `${c.body.slice(0, 4000)}...` : c.body;
        process.stdout.write(
          [
            `DIFFERENCE in case ${String(c.id)} (config ${CONFIGS[c.configIndex]!.name})`,
            `  request body: ${bodyPreview}`,
            `  namespaces: ${JSON.stringify(c.namespaces)}${c.namespaceError === undefined ? '' : ` (lookup error ${c.namespaceError})`}`,
            `  pods: ${String(c.pods.length)}${c.podListError === undefined ? '' : ` (list error ${c.podListError})`}`,
            `  ours:     ${String(ours.httpStatus)} ${ours.body.trim()}`,
            `  upstream: ${String(up.httpStatus)} ${up.body.trim()}`,
            `  metrics ours:     ${JSON.stringify(ours.metrics)}`,
            `  metrics upstream: ${JSON.stringify(up.metrics)}`,
            '',
          ].join('\n'),
        );
      }
    }
  }
  await oracle.close();
  const outcomes = [...tally.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${String(v)}`);
  process.stdout.write(`  outcomes: ${outcomes.join(', ')}\n`);
  process.stdout.write(
    `admission differential: ${String(all.length)} cases, ${String(differences)} differences (seed ${String(seed)})\n`,
  );
  return differences === 0 ? 0 : 1;
}

process.exitCode = await main();
