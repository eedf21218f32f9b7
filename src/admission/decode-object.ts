/**
 * The default object decoder: resolves a request object's type the way upstream's universal deserializer does (its
 * own apiVersion/kind, defaulted from the request's `kind`, looked up in the webhook's scheme), checks it against the
 * Go type upstream decodes into, and reduces Pods, Namespaces and pod-template-bearing controllers to what admission
 * reads, through the `src/k8s` decoders.
 *
 * Upstream decodes into the full Go types, so a wrongly typed field anywhere fails the decode with an `encoding/json`
 * error such as `json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool`. For Pods,
 * Namespaces, the pod-template kinds and the options objects of pod subresources (PodExecOptions, PodAttachOptions,
 * ...) we reproduce that from the generated type schema (`go-decode.ts`). Other registered kinds (ConfigMap, ...) are
 * not type-checked: upstream would report their decode errors, we report the missing pod template instead (the
 * webhook rules never send them).
 */
import type { GroupVersionKind, RawJson } from '../k8s/admission-review.ts';
import { isWebhookSchemeKind } from '../k8s/admission-review.ts';
import { decodeObjectMeta, decodePod } from '../k8s/decode-pod.ts';
import { POD_BEARING_KINDS } from '../k8s/workloads.ts';
import { goDecodeErrorFromText, goRootType } from './go-decode.ts';
import { goQuote } from './go-text.ts';
import type { ObjectDecodeResult } from './objects.ts';

/** The scheme's name in upstream's "not registered" errors (the webhook's `runtime.NewScheme()` call site). */
const SCHEME_NAME = 'pkg/runtime/scheme.go:111';

/** Template paths of the pod-template-bearing kinds, by `group/Kind` (any version the scheme knows: v1). */
const TEMPLATE_PATHS: ReadonlyMap<string, { readonly steps: readonly string[]; readonly optional: boolean }> = new Map(
  POD_BEARING_KINDS.filter((k) => k.templatePath !== '').map((k) => [
    `${k.group}/${k.kind}`,
    { steps: k.templatePath.split('.'), optional: k.templateOptional },
  ]),
);

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Splits an apiVersion like Go's `schema.ParseGroupVersion`; undefined when malformed. */
function parseGroupVersion(apiVersion: string): { readonly group: string; readonly version: string } | undefined {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: apiVersion };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  return undefined;
}

/**
 * Decodes a request object with `defaultKind` filling a missing apiVersion/kind, then reduces it to what admission
 * reads. Errors carry upstream's text.
 */
export function decodeAdmissionObject(raw: RawJson | undefined, defaultKind: GroupVersionKind): ObjectDecodeResult {
  if (raw === undefined) return { ok: true, object: undefined };
  const value = raw.value;
  if (!isObject(value)) {
    return {
      ok: false,
      error: `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonTypeName(value)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`,
    };
  }
  const apiVersionRaw = value['apiVersion'];
  const kindRaw = value['kind'];
  const badApiVersion = apiVersionRaw !== undefined && apiVersionRaw !== null && typeof apiVersionRaw !== 'string';
  const badKind = kindRaw !== undefined && kindRaw !== null && typeof kindRaw !== 'string';
  if (badApiVersion || badKind) {
    // Go reports the first wrongly typed field in the text's order.
    const field =
      badApiVersion && badKind
        ? (Object.keys(value).find((key) => key === 'apiVersion' || key === 'kind') ?? 'apiVersion')
        : badApiVersion
          ? 'apiVersion'
          : 'kind';
    return {
      ok: false,
      error: `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonTypeName(value[field])} into Go struct field .${field} of type string`,
    };
  }
  const gv = parseGroupVersion(typeof apiVersionRaw === 'string' ? apiVersionRaw : '');
  if (gv === undefined)
    return {
      ok: false,
      error: `unexpected GroupVersion string: ${String(apiVersionRaw)}`,
    };
  let group = gv.group;
  let version = gv.version;
  let kind = typeof kindRaw === 'string' ? kindRaw : '';
  if (kind === '') kind = defaultKind.kind;
  if (group === '' && version === '') {
    group = defaultKind.group;
    version = defaultKind.version;
  }
  const gvk: GroupVersionKind = { group, version, kind };
  // What Go's decoded object then reports as its kind: its own TypeMeta, where a field left to the default stays empty.
  const typeMeta: GroupVersionKind = {
    group: gv.group,
    version: gv.version,
    kind: typeof kindRaw === 'string' ? kindRaw : '',
  };
  if (kind === '') return { ok: false, error: `Object 'Kind' is missing in '${raw.text}'` };
  if (version === '') return { ok: false, error: `Object 'apiVersion' is missing in '${raw.text}'` };
  const gvText = group === '' ? version : `${group}/${version}`;
  if (!isWebhookSchemeKind(gvk)) {
    return {
      ok: false,
      error: `no kind ${goQuote(kind)} is registered for version ${goQuote(gvText)} in scheme ${goQuote(SCHEME_NAME)}`,
    };
  }
  return decodeKnown(value, raw.text, gvk, typeMeta);
}

function jsonTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  if (value === null) return 'null';
  return typeof value;
}

function decodeKnown(
  value: Readonly<Record<string, unknown>>,
  text: string,
  gvk: GroupVersionKind,
  typeMeta: GroupVersionKind,
): ObjectDecodeResult {
  // Upstream decodes into the full Go type first: any wrongly typed field fails, with encoding/json's text.
  const root = goRootType(gvk.group, gvk.version, gvk.kind);
  if (root !== undefined) {
    const error = goDecodeErrorFromText(text, value, root);
    if (error !== undefined) return { ok: false, error };
  }
  if (gvk.group === '' && gvk.kind === 'Pod') {
    const decoded = decodePod(value);
    const issue = decoded.issues[0];
    if (issue !== undefined) return { ok: false, error: issueText(issue) };
    return {
      ok: true,
      object: { type: 'Pod', gvk: typeMeta, metadata: decoded.value.metadata, spec: decoded.value.spec },
    };
  }
  if (gvk.group === '' && gvk.kind === 'Namespace') {
    const decoded = decodeObjectMeta(value['metadata']);
    const issue = decoded.issues[0];
    if (issue !== undefined) return { ok: false, error: issueText(issue) };
    return { ok: true, object: { type: 'Namespace', gvk: typeMeta, metadata: decoded.value } };
  }
  const template = TEMPLATE_PATHS.get(`${gvk.group}/${gvk.kind}`);
  if (template === undefined) return { ok: true, object: { type: 'Other', gvk: typeMeta } };
  // The schema check guarantees every step is an object, null or absent.
  let current: unknown = value;
  for (const step of template.steps) current = isObject(current) ? current[step] : undefined;
  // Only a ReplicationController's template is a pointer: absent or null means "no template".
  if (template.optional && (current === undefined || current === null)) {
    return { ok: true, object: { type: 'Template', gvk: typeMeta, template: null } };
  }
  const decoded = decodePod(current ?? {}, { path: template.steps.join('.') });
  const issue = decoded.issues[0];
  if (issue !== undefined) return { ok: false, error: issueText(issue) };
  return { ok: true, object: { type: 'Template', gvk: typeMeta, template: decoded.value } };
}

/** A `src/k8s` decode issue the Go type check did not catch (a decoder divergence): reported with its path. */
function issueText(issue: { readonly path: string; readonly message: string }): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}
