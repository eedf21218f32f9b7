/**
 * `admission.k8s.io/v1` AdmissionReview: the typed shapes the webhook exchanges with the API server, a decoder from
 * untrusted JSON, and an encoder that writes exactly the bytes upstream's Go webhook writes.
 *
 * Upstream decodes the review into Go structs and re-encodes the whole review (request included) with
 * `encoding/json`. So the echoed request is a re-encoding of the typed request (unknown fields dropped, fields in
 * declaration order), except the three RawExtension fields (`object`, `oldObject`, `options`), whose original bytes are
 * kept and only compacted (whitespace removed, `<`, `>`, `&`, U+2028, U+2029 escaped). We keep their exact text.
 */
import { wellFormed } from './decode-primitives.ts';

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface GroupVersionResource {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
}

export interface UserInfo {
  readonly username?: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  /** Values may be `null` (kept: Go re-encodes a nil value as `null`). */
  readonly extra?: Readonly<Record<string, readonly string[] | null>>;
}

/**
 * A RawExtension: embedded JSON kept as its original text (what upstream echoes, compacted) next to its parsed value.
 * An absent or `null` extension is represented by leaving the field out.
 */
export interface RawJson {
  readonly text: string;
  readonly value: unknown;
}

/** The request half of an AdmissionReview, as the API server sends it. */
export interface AdmissionRequest {
  readonly uid: string;
  readonly kind: GroupVersionKind;
  readonly resource: GroupVersionResource;
  readonly subResource?: string;
  readonly requestKind?: GroupVersionKind;
  readonly requestResource?: GroupVersionResource;
  readonly requestSubResource?: string;
  readonly name?: string;
  readonly namespace?: string;
  /** `CREATE`, `UPDATE`, `DELETE` or `CONNECT` (not validated, as upstream). */
  readonly operation: string;
  readonly userInfo: UserInfo;
  readonly object?: RawJson;
  readonly oldObject?: RawJson;
  readonly dryRun?: boolean;
  readonly options?: RawJson;
}

/** `metav1.StatusCause`. */
export interface StatusCause {
  readonly reason?: string;
  readonly message?: string;
  readonly field?: string;
}

/** `metav1.StatusDetails`. */
export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
  readonly uid?: string;
  readonly causes?: readonly StatusCause[];
  readonly retryAfterSeconds?: number;
}

/** `metav1.Status` as PSA produces it (no TypeMeta, empty `metadata`). */
export interface Status {
  readonly status?: string;
  readonly message?: string;
  readonly reason?: string;
  readonly details?: StatusDetails;
  readonly code?: number;
}

/** The response half of an AdmissionReview. PSA never sets `patch`/`patchType`. */
export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: Status;
  readonly auditAnnotations?: Readonly<Record<string, string>>;
  readonly warnings?: readonly string[];
}

export interface AdmissionReview {
  /** As sent (upstream echoes TypeMeta as decoded; absent stays absent). */
  readonly kind?: string;
  readonly apiVersion?: string;
  readonly request?: AdmissionRequest;
  readonly response?: AdmissionResponse;
}

/** The only review type the webhook accepts. */
export const ADMISSION_REVIEW_GVK: GroupVersionKind = Object.freeze({
  group: 'admission.k8s.io',
  version: 'v1',
  kind: 'AdmissionReview',
});

/** Renders a GVK the way Go's `schema.GroupVersionKind.String()` does: `apps/v1, Kind=Deployment`, `/v1, Kind=Pod`. */
export function formatGvk(gvk: GroupVersionKind): string {
  return `${gvk.group}/${gvk.version}, Kind=${gvk.kind}`;
}

/**
 * The kinds registered in upstream webhook's scheme (core, apps, batch and admission v1, with the meta kinds each
 * group version carries), keyed by group/version. An object of any other kind fails to decode.
 */
export const WEBHOOK_SCHEME_KINDS: ReadonlyMap<string, ReadonlySet<string>> = new Map<string, ReadonlySet<string>>([
  [
    'v1',
    new Set(
      'APIGroup APIGroupList APIResourceList APIVersions Binding ComponentStatus ComponentStatusList ConfigMap ConfigMapList CreateOptions DeleteOptions Endpoints EndpointsList Event EventList GetOptions LimitRange LimitRangeList List ListOptions Namespace NamespaceList Node NodeList NodeProxyOptions PatchOptions PersistentVolume PersistentVolumeClaim PersistentVolumeClaimList PersistentVolumeList Pod PodAttachOptions PodExecOptions PodList PodLogOptions PodPortForwardOptions PodProxyOptions PodTemplate PodTemplateList RangeAllocation ReplicationController ReplicationControllerList ResourceQuota ResourceQuotaList Secret SecretList SerializedReference Service ServiceAccount ServiceAccountList ServiceList ServiceProxyOptions Status UpdateOptions WatchEvent'.split(
        ' ',
      ),
    ),
  ],
  [
    'apps/v1',
    new Set(
      'ControllerRevision ControllerRevisionList CreateOptions DaemonSet DaemonSetList DeleteOptions Deployment DeploymentList GetOptions ListOptions PatchOptions ReplicaSet ReplicaSetList StatefulSet StatefulSetList UpdateOptions WatchEvent'.split(
        ' ',
      ),
    ),
  ],
  [
    'batch/v1',
    new Set(
      'CreateOptions CronJob CronJobList DeleteOptions GetOptions Job JobList ListOptions PatchOptions UpdateOptions WatchEvent'.split(
        ' ',
      ),
    ),
  ],
  [
    'admission.k8s.io/v1',
    new Set(
      'AdmissionReview CreateOptions DeleteOptions GetOptions ListOptions PatchOptions UpdateOptions WatchEvent'.split(
        ' ',
      ),
    ),
  ],
  ['__internal', new Set(['WatchEvent'])],
  ['apps/__internal', new Set(['WatchEvent'])],
  ['batch/__internal', new Set(['WatchEvent'])],
  ['admission.k8s.io/__internal', new Set(['WatchEvent'])],
]);

/**
 * {@link WEBHOOK_SCHEME_KINDS} keyed by group, then version, as Go's scheme is keyed by the GroupVersionKind struct: an
 * empty group with the version `apps/v1` (a request kind can say that) is not apps/v1. Asked for every review and
 * every object, the lookup also builds no string.
 */
const SCHEME_BY_GROUP: ReadonlyMap<string, ReadonlyMap<string, ReadonlySet<string>>> = (() => {
  const byGroup = new Map<string, Map<string, ReadonlySet<string>>>();
  for (const [groupVersion, kinds] of WEBHOOK_SCHEME_KINDS) {
    const slash = groupVersion.indexOf('/');
    const group = slash < 0 ? '' : groupVersion.slice(0, slash);
    const version = slash < 0 ? groupVersion : groupVersion.slice(slash + 1);
    const versions = byGroup.get(group) ?? new Map<string, ReadonlySet<string>>();
    versions.set(version, kinds);
    byGroup.set(group, versions);
  }
  return byGroup;
})();

/** Whether `group/version, Kind=kind` is registered in the webhook's scheme. */
export function isWebhookSchemeKind(gvk: GroupVersionKind): boolean {
  return SCHEME_BY_GROUP.get(gvk.group)?.get(gvk.version)?.has(gvk.kind) ?? false;
}

// ---------------------------------------------------------------------------------------------------------------------
// Decoding

/** Why a body is not an AdmissionReview we can answer, as the webhook's plain-text HTTP error. */
export interface ReviewDecodeError {
  readonly ok: false;
  readonly httpStatus: 400;
  /** `unable to decode the request` or `unexpected AdmissionReview kind: <gvk>`. */
  readonly message: string;
  /** What exactly was wrong (for logs; never sent). */
  readonly detail: string;
}

export type ReviewDecodeResult = { readonly ok: true; readonly review: AdmissionReview } | ReviewDecodeError;

const UNABLE = 'unable to decode the request';

class ReviewTypeError extends Error {
  override readonly name = 'ReviewTypeError';
}

type JsonObject = Readonly<Record<string, unknown>>;

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}

function optString(o: JsonObject, key: string, path: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ReviewTypeError(`${path}.${key}: expected string, got ${describe(v)}`);
  // Go's decoder turns a lone surrogate escape into U+FFFD: a namespace or user name is compared and looked up as such.
  return wellFormed(v);
}

function optBool(o: JsonObject, key: string, path: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new ReviewTypeError(`${path}.${key}: expected boolean, got ${describe(v)}`);
  return v;
}

function optInt(o: JsonObject, key: string, path: string, bits: 32 | 64): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  const limit = bits === 32 ? 2 ** 31 : 2 ** 63;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < -limit || v >= limit) {
    throw new ReviewTypeError(`${path}.${key}: expected int${bits}, got ${describe(v)}`);
  }
  return v;
}

function optObject(o: JsonObject, key: string, path: string): JsonObject | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!isJsonObject(v)) throw new ReviewTypeError(`${path}.${key}: expected object, got ${describe(v)}`);
  return v;
}

function optStringList(o: JsonObject, key: string, path: string): string[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new ReviewTypeError(`${path}.${key}: expected array, got ${describe(v)}`);
  return (v as unknown[]).map((item, i) => {
    if (item === null) return '';
    if (typeof item !== 'string')
      throw new ReviewTypeError(`${path}.${key}[${i}]: expected string, got ${describe(item)}`);
    return wellFormed(item);
  });
}

function decodeGvk(o: JsonObject | undefined, path: string): GroupVersionKind {
  if (o === undefined) return { group: '', version: '', kind: '' };
  return {
    group: optString(o, 'group', path) ?? '',
    version: optString(o, 'version', path) ?? '',
    kind: optString(o, 'kind', path) ?? '',
  };
}

function decodeGvr(o: JsonObject | undefined, path: string): GroupVersionResource {
  if (o === undefined) return { group: '', version: '', resource: '' };
  return {
    group: optString(o, 'group', path) ?? '',
    version: optString(o, 'version', path) ?? '',
    resource: optString(o, 'resource', path) ?? '',
  };
}

function decodeUserInfo(o: JsonObject | undefined): UserInfo {
  if (o === undefined) return {};
  const path = 'request.userInfo';
  const out: { -readonly [K in keyof UserInfo]: UserInfo[K] } = {};
  const username = optString(o, 'username', path);
  if (username !== undefined && username !== '') out.username = username;
  const uid = optString(o, 'uid', path);
  if (uid !== undefined && uid !== '') out.uid = uid;
  const groups = optStringList(o, 'groups', path);
  if (groups !== undefined) out.groups = groups;
  const extra = optObject(o, 'extra', path);
  if (extra !== undefined) {
    const map: Record<string, readonly string[] | null> = Object.create(null) as Record<
      string,
      readonly string[] | null
    >;
    for (const key of Object.keys(extra)) map[wellFormed(key)] = optStringList(extra, key, `${path}.extra`) ?? null;
    out.extra = map;
  }
  return out;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Type-checks an incoming `response` (upstream decodes it, so a malformed one fails the whole review). */
function checkResponse(o: JsonObject): void {
  const path = 'response';
  optString(o, 'uid', path);
  optBool(o, 'allowed', path);
  const patch = optString(o, 'patch', path);
  if (patch !== undefined && !BASE64.test(patch)) throw new ReviewTypeError('response.patch: invalid base64');
  optString(o, 'patchType', path);
  const annotations = optObject(o, 'auditAnnotations', path);
  if (annotations !== undefined)
    for (const key of Object.keys(annotations)) optString(annotations, key, `${path}.auditAnnotations`);
  optStringList(o, 'warnings', path);
  const status = optObject(o, 'status', path);
  if (status === undefined) return;
  const sp = 'response.status';
  for (const key of ['kind', 'apiVersion', 'status', 'message', 'reason']) optString(status, key, sp);
  optInt(status, 'code', sp, 32);
  const metadata = optObject(status, 'metadata', sp);
  if (metadata !== undefined) {
    for (const key of ['selfLink', 'resourceVersion', 'continue']) optString(metadata, key, `${sp}.metadata`);
    optInt(metadata, 'remainingItemCount', `${sp}.metadata`, 64);
  }
  const details = optObject(status, 'details', sp);
  if (details === undefined) return;
  const dp = `${sp}.details`;
  for (const key of ['name', 'group', 'kind', 'uid']) optString(details, key, dp);
  optInt(details, 'retryAfterSeconds', dp, 32);
  const causes = details['causes'];
  if (causes === undefined || causes === null) return;
  if (!Array.isArray(causes)) throw new ReviewTypeError(`${dp}.causes: expected array`);
  for (const cause of causes as unknown[]) {
    if (cause === null) continue;
    if (!isJsonObject(cause)) throw new ReviewTypeError(`${dp}.causes[]: expected object`);
    for (const key of ['reason', 'message', 'field']) optString(cause, key, `${dp}.causes[]`);
  }
}

/** Source spans of the RawExtension members of `request`, when decoding from text. */
interface RawSpans {
  readonly object?: string;
  readonly oldObject?: string;
  readonly options?: string;
}

function rawMember(request: JsonObject, key: keyof RawSpans, spans: RawSpans | undefined): RawJson | undefined {
  const text = spans?.[key];
  if (text !== undefined) {
    // The last non-null occurrence wins in Go; JSON.parse kept the last occurrence, which may differ.
    const value = request[key];
    return { text, value: value === null || value === undefined ? (JSON.parse(text) as unknown) : value };
  }
  const value = request[key];
  if (value === undefined || value === null) return undefined;
  return { text: encodeGoJson(value), value };
}

function decodeRequest(o: JsonObject, spans: RawSpans | undefined): AdmissionRequest {
  const path = 'request';
  const out: { -readonly [K in keyof AdmissionRequest]: AdmissionRequest[K] } = {
    uid: optString(o, 'uid', path) ?? '',
    kind: decodeGvk(optObject(o, 'kind', path), `${path}.kind`),
    resource: decodeGvr(optObject(o, 'resource', path), `${path}.resource`),
    operation: '',
    userInfo: {},
  };
  const subResource = optString(o, 'subResource', path);
  if (subResource !== undefined && subResource !== '') out.subResource = subResource;
  const requestKind = optObject(o, 'requestKind', path);
  if (requestKind !== undefined) out.requestKind = decodeGvk(requestKind, `${path}.requestKind`);
  const requestResource = optObject(o, 'requestResource', path);
  if (requestResource !== undefined) out.requestResource = decodeGvr(requestResource, `${path}.requestResource`);
  const requestSubResource = optString(o, 'requestSubResource', path);
  if (requestSubResource !== undefined && requestSubResource !== '') out.requestSubResource = requestSubResource;
  const name = optString(o, 'name', path);
  if (name !== undefined && name !== '') out.name = name;
  const namespace = optString(o, 'namespace', path);
  if (namespace !== undefined && namespace !== '') out.namespace = namespace;
  out.operation = optString(o, 'operation', path) ?? '';
  out.userInfo = decodeUserInfo(optObject(o, 'userInfo', path));
  const object = rawMember(o, 'object', spans);
  if (object !== undefined) out.object = object;
  const oldObject = rawMember(o, 'oldObject', spans);
  if (oldObject !== undefined) out.oldObject = oldObject;
  const dryRun = optBool(o, 'dryRun', path);
  if (dryRun !== undefined) out.dryRun = dryRun;
  const options = rawMember(o, 'options', spans);
  if (options !== undefined) out.options = options;
  return out;
}

function fail(message: string, detail: string): ReviewDecodeError {
  return { ok: false, httpStatus: 400, message, detail };
}

/**
 * Decodes a parsed AdmissionReview the way upstream's webhook does: `admission.k8s.io/v1` `AdmissionReview` is the
 * default when apiVersion/kind are absent; any other registered kind is `unexpected AdmissionReview kind: <gvk>`;
 * anything unregistered (v1beta1 included) or wrongly typed is `unable to decode the request`. A review without a
 * `request` decodes (upstream then crashes: the caller answers 500). Field names match case-sensitively and unknown
 * fields are ignored, as in upstream's decoder.
 */
export function decodeAdmissionReview(value: unknown, spans?: RawSpans): ReviewDecodeResult {
  if (!isJsonObject(value)) return fail(UNABLE, `expected a JSON object, got ${describe(value)}`);
  let apiVersion: string | undefined;
  let kind: string | undefined;
  try {
    apiVersion = optString(value, 'apiVersion', '');
    kind = optString(value, 'kind', '');
  } catch (error) {
    return fail(UNABLE, (error as Error).message);
  }
  let group = '';
  let version = '';
  if (apiVersion !== undefined && apiVersion !== '') {
    const parts = apiVersion.split('/');
    if (parts.length === 1) version = apiVersion;
    else if (parts.length === 2) [group, version] = [parts[0]!, parts[1]!];
    else return fail(UNABLE, `unexpected GroupVersion string: ${apiVersion}`);
  }
  if (group === '' && version === '') {
    group = ADMISSION_REVIEW_GVK.group;
    version = ADMISSION_REVIEW_GVK.version;
  }
  const gvk: GroupVersionKind = {
    group,
    version,
    kind: kind === undefined || kind === '' ? ADMISSION_REVIEW_GVK.kind : kind,
  };
  if (!isWebhookSchemeKind(gvk)) {
    return fail(
      UNABLE,
      `no kind ${JSON.stringify(gvk.kind)} is registered for version ${JSON.stringify(group === '' ? version : `${group}/${version}`)}`,
    );
  }
  if (
    gvk.group !== ADMISSION_REVIEW_GVK.group ||
    gvk.version !== ADMISSION_REVIEW_GVK.version ||
    gvk.kind !== ADMISSION_REVIEW_GVK.kind
  ) {
    return fail(`unexpected AdmissionReview kind: ${formatGvk(gvk)}`, 'not an admission.k8s.io/v1 AdmissionReview');
  }
  try {
    const requestObject = optObject(value, 'request', '');
    const responseObject = optObject(value, 'response', '');
    if (responseObject !== undefined) checkResponse(responseObject);
    const review: { -readonly [K in keyof AdmissionReview]: AdmissionReview[K] } = {};
    if (kind !== undefined && kind !== '') review.kind = kind;
    if (apiVersion !== undefined && apiVersion !== '') review.apiVersion = apiVersion;
    if (requestObject !== undefined) review.request = decodeRequest(requestObject, spans);
    return { ok: true, review };
  } catch (error) {
    if (error instanceof ReviewTypeError) return fail(UNABLE, error.message);
    throw error;
  }
}

/**
 * Decodes an AdmissionReview from the request body text, keeping the exact text of `request.object`,
 * `request.oldObject` and `request.options` (upstream echoes those bytes, compacted).
 */
export function decodeAdmissionReviewText(text: string): ReviewDecodeResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(UNABLE, `invalid JSON: ${(error as Error).message}`);
  }
  return decodeAdmissionReview(value, isJsonObject(value) ? findRawSpans(text) : undefined);
}

// --- a minimal scanner over already-validated JSON text, to find source spans ---

function skipWs(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
    else return i;
  }
}

/** `i` at an opening quote; returns the index after the closing quote. */
function skipString(text: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = text.indexOf('"', j);
    if (q < 0) return text.length;
    let backslashes = 0;
    for (let k = q - 1; k > i && text.charCodeAt(k) === 0x5c; k--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/** `i` at the start of a value; returns the index after it. */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 0x22) return skipString(text, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    let j = i;
    while (j < text.length) {
      const d = text.charCodeAt(j);
      if (d === 0x22) {
        j = skipString(text, j);
        continue;
      }
      if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        depth--;
        if (depth === 0) return j + 1;
      }
      j++;
    }
    return j;
  }
  let j = i;
  while (j < text.length) {
    const d = text.charCodeAt(j);
    if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
    j++;
  }
  return j;
}

/**
 * Walks the members of the object starting at `i`: `member(key, start)` gets each value's start and returns the index
 * after it. Returns the index after the object.
 */
function walkObject(text: string, i: number, member: (key: string, start: number) => number): number {
  let j = skipWs(text, i + 1);
  if (text.charCodeAt(j) === 0x7d) return j + 1;
  for (;;) {
    const keyEnd = skipString(text, j);
    const rawKey = text.slice(j + 1, keyEnd - 1);
    const key = rawKey.includes('\\') ? (JSON.parse(text.slice(j, keyEnd)) as string) : rawKey;
    j = skipWs(text, keyEnd);
    j = skipWs(text, j + 1); // ':'
    j = skipWs(text, member(key, j));
    if (text.charCodeAt(j) !== 0x2c) return j + 1;
    j = skipWs(text, j + 1);
  }
}

/** The raw spans of the last `request` member (one pass over the text: the request is walked, not skipped first). */
function findRawSpans(text: string): RawSpans {
  let spans: RawSpans = {};
  walkObject(text, skipWs(text, 0), (key, start) => {
    if (key !== 'request') return skipValue(text, start);
    if (text.charCodeAt(start) !== 0x7b) {
      spans = {};
      return skipValue(text, start);
    }
    const found: { object?: string; oldObject?: string; options?: string } = {};
    const end = walkObject(text, start, (member, valueStart) => {
      const valueEnd = skipValue(text, valueStart);
      if (member === 'object' || member === 'oldObject' || member === 'options') {
        const raw = text.slice(valueStart, valueEnd);
        if (raw !== 'null') found[member] = raw;
      }
      return valueEnd;
    });
    spans = found;
    return end;
  });
  return spans;
}

// ---------------------------------------------------------------------------------------------------------------------
// Encoding (Go's encoding/json, HTML escaping on)

// Everything Go escapes, plus lone surrogates (which Go's decoder had already turned into U+FFFD).
const ESCAPES =
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
  /["\\\u0000-\u001f<>&\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function escapeOne(ch: string): string {
  const short = SHORT_ESCAPES[ch];
  if (short !== undefined) return short;
  const c = ch.charCodeAt(0);
  if (c >= 0xd800 && c <= 0xdfff) return '\ufffd';
  return `\\u${c.toString(16).padStart(4, '0')}`;
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const NEEDS_ESCAPE = /["\\\u0000-\u001f<>&\u2028\u2029\ud800-\udfff]/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const NEEDS_ESCAPE_BESIDES_QUOTE = /[\\\u0000-\u001f<>&\u2028\u2029\ud800-\udfff]/;

/** Below this length a plain scan beats a regular expression (whose per-call cost dominates short strings). */
const SHORT_STRING = 48;

/** A JSON string literal exactly as Go's `encoding/json` writes it. */
export function goJsonString(s: string): string {
  const n = s.length;
  if (n <= SHORT_STRING) {
    // Names, kinds, uids, label values: almost never anything to escape.
    let clean = true;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (
        c < 0x20 ||
        c === 0x22 ||
        c === 0x5c ||
        c === 0x3c ||
        c === 0x3e ||
        c === 0x26 ||
        (c >= 0x2028 && (c === 0x2028 || c === 0x2029 || (c >= 0xd800 && c <= 0xdfff)))
      ) {
        clean = false;
        break;
      }
    }
    if (clean) return `"${s}"`;
  } else if (n <= LONG_CACHE_MAX_LENGTH) {
    // Policy messages repeat: within a review (the warning and the audit annotation) and across reviews (the pods of
    // one workload). Their escaped form is remembered in a small map, emptied when it fills up.
    let json = longStrings.get(s);
    if (json === undefined) {
      json = escapeLong(s);
      if (longStrings.size >= LONG_CACHE_ENTRIES) longStrings.clear();
      longStrings.set(s, json);
    }
    return json;
  }
  return escapeLong(s);
}

const LONG_CACHE_ENTRIES = 256;
const LONG_CACHE_MAX_LENGTH = 2048;
const longStrings = new Map<string, string>();

function escapeLong(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  // Policy messages are full of double quotes and nothing else to escape: the common case is one cheap pass.
  if (!NEEDS_ESCAPE_BESIDES_QUOTE.test(s)) return `"${s.replaceAll('"', '\\"')}"`;
  return `"${s.replace(ESCAPES, escapeOne)}"`;
}

const COMPACT_TOKENS = /"(?:[^"\\]|\\.)*"|[ \t\n\r]+/g;
const HTML_UNSAFE = /[<>&\u2028\u2029]/g;
const COMPACT_OR_HTML = /[ \t\n\r<>&\u2028\u2029]/;
const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** Go's `json.Compact` with HTML escaping, as `encoding/json` applies it to a RawExtension's bytes. */
export function compactGoJson(text: string): string {
  // What the API server sends is already compact and rarely holds <, >, & or U+2028/9: one native scan says so.
  if (!COMPACT_OR_HTML.test(text)) return text;
  let out = /[ \t\n\r]/.test(text)
    ? text.replace(COMPACT_TOKENS, (token) => (token.charCodeAt(0) === 0x22 ? token : ''))
    : text;
  if (HTML_UNSAFE.test(out)) out = out.replace(HTML_UNSAFE, (ch) => HTML_ESCAPES[ch] ?? ch);
  HTML_UNSAFE.lastIndex = 0;
  return out;
}

function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const rx = x >= 0xe000 ? x - 0x800 : x >= 0xd800 ? x + 0x2000 : x;
      const ry = y >= 0xe000 ? y - 0x800 : y >= 0xd800 ? y + 0x2000 : y;
      return rx - ry;
    }
  }
  return a.length - b.length;
}

/** Encodes a plain JSON value with Go's string escaping, keeping object key order (for a RawExtension built in code). */
export function encodeGoJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${(value as unknown[]).map(encodeGoJson).join(',')}]`;
  if (typeof value === 'object') {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value))
      if (v !== undefined) parts.push(`${goJsonString(k)}:${encodeGoJson(v)}`);
    return `{${parts.join(',')}}`;
  }
  return 'null';
}

function stringMap(map: Readonly<Record<string, string>>): string {
  const keys = Object.keys(map).sort(compareKeys);
  return `{${keys.map((k) => `${goJsonString(k)}:${goJsonString(map[k]!)}`).join(',')}}`;
}

function stringList(list: readonly string[]): string {
  return `[${list.map(goJsonString).join(',')}]`;
}

function gvkJson(gvk: GroupVersionKind): string {
  return `{"group":${goJsonString(gvk.group)},"version":${goJsonString(gvk.version)},"kind":${goJsonString(gvk.kind)}}`;
}

function gvrJson(gvr: GroupVersionResource): string {
  return `{"group":${goJsonString(gvr.group)},"version":${goJsonString(gvr.version)},"resource":${goJsonString(gvr.resource)}}`;
}

function userInfoJson(user: UserInfo): string {
  const parts: string[] = [];
  if (user.username !== undefined && user.username !== '') parts.push(`"username":${goJsonString(user.username)}`);
  if (user.uid !== undefined && user.uid !== '') parts.push(`"uid":${goJsonString(user.uid)}`);
  if (user.groups !== undefined && user.groups.length > 0) parts.push(`"groups":${stringList(user.groups)}`);
  if (user.extra !== undefined) {
    const keys = Object.keys(user.extra).sort(compareKeys);
    if (keys.length > 0) {
      const entries = keys.map((k) => {
        const v = user.extra![k];
        return `${goJsonString(k)}:${v === null || v === undefined ? 'null' : stringList(v)}`;
      });
      parts.push(`"extra":{${entries.join(',')}}`);
    }
  }
  return `{${parts.join(',')}}`;
}

function rawJson(raw: RawJson | undefined): string {
  return raw === undefined ? 'null' : compactGoJson(raw.text);
}

/** `request` as Go re-encodes it: declaration order, `omitempty` honoured, RawExtensions compacted (`null` when absent). */
export function encodeAdmissionRequest(r: AdmissionRequest): string {
  let out = `{"uid":${goJsonString(r.uid)},"kind":${gvkJson(r.kind)},"resource":${gvrJson(r.resource)}`;
  if (r.subResource !== undefined && r.subResource !== '') out += `,"subResource":${goJsonString(r.subResource)}`;
  if (r.requestKind !== undefined) out += `,"requestKind":${gvkJson(r.requestKind)}`;
  if (r.requestResource !== undefined) out += `,"requestResource":${gvrJson(r.requestResource)}`;
  if (r.requestSubResource !== undefined && r.requestSubResource !== '') {
    out += `,"requestSubResource":${goJsonString(r.requestSubResource)}`;
  }
  if (r.name !== undefined && r.name !== '') out += `,"name":${goJsonString(r.name)}`;
  if (r.namespace !== undefined && r.namespace !== '') out += `,"namespace":${goJsonString(r.namespace)}`;
  out += `,"operation":${goJsonString(r.operation)},"userInfo":${userInfoJson(r.userInfo)}`;
  out += `,"object":${rawJson(r.object)},"oldObject":${rawJson(r.oldObject)}`;
  if (r.dryRun !== undefined) out += `,"dryRun":${r.dryRun ? 'true' : 'false'}`;
  out += `,"options":${rawJson(r.options)}}`;
  return out;
}

function statusDetailsJson(d: StatusDetails): string {
  const parts: string[] = [];
  if (d.name !== undefined && d.name !== '') parts.push(`"name":${goJsonString(d.name)}`);
  if (d.group !== undefined && d.group !== '') parts.push(`"group":${goJsonString(d.group)}`);
  if (d.kind !== undefined && d.kind !== '') parts.push(`"kind":${goJsonString(d.kind)}`);
  if (d.uid !== undefined && d.uid !== '') parts.push(`"uid":${goJsonString(d.uid)}`);
  if (d.causes !== undefined && d.causes.length > 0) {
    const causes = d.causes.map((c) => {
      const cp: string[] = [];
      if (c.reason !== undefined && c.reason !== '') cp.push(`"reason":${goJsonString(c.reason)}`);
      if (c.message !== undefined && c.message !== '') cp.push(`"message":${goJsonString(c.message)}`);
      if (c.field !== undefined && c.field !== '') cp.push(`"field":${goJsonString(c.field)}`);
      return `{${cp.join(',')}}`;
    });
    parts.push(`"causes":[${causes.join(',')}]`);
  }
  if (d.retryAfterSeconds !== undefined && d.retryAfterSeconds !== 0)
    parts.push(`"retryAfterSeconds":${d.retryAfterSeconds}`);
  return `{${parts.join(',')}}`;
}

/** `metav1.Status` as Go encodes it (always `"metadata":{}`; empty fields omitted). */
export function encodeStatus(s: Status): string {
  let out = '{"metadata":{}';
  if (s.status !== undefined && s.status !== '') out += `,"status":${goJsonString(s.status)}`;
  if (s.message !== undefined && s.message !== '') out += `,"message":${goJsonString(s.message)}`;
  if (s.reason !== undefined && s.reason !== '') out += `,"reason":${goJsonString(s.reason)}`;
  if (s.details !== undefined) out += `,"details":${statusDetailsJson(s.details)}`;
  if (s.code !== undefined && s.code !== 0) out += `,"code":${s.code}`;
  return `${out}}`;
}

/** `response` as Go encodes it. */
export function encodeAdmissionResponse(r: AdmissionResponse): string {
  let out = `{"uid":${goJsonString(r.uid)},"allowed":${r.allowed ? 'true' : 'false'}`;
  if (r.status !== undefined) out += `,"status":${encodeStatus(r.status)}`;
  if (r.auditAnnotations !== undefined && Object.keys(r.auditAnnotations).length > 0) {
    out += `,"auditAnnotations":${stringMap(r.auditAnnotations)}`;
  }
  if (r.warnings !== undefined && r.warnings.length > 0) out += `,"warnings":${stringList(r.warnings)}`;
  return `${out}}`;
}

/**
 * The review exactly as upstream's webhook writes it with `json.NewEncoder(w).Encode(review)`, without the trailing
 * newline the encoder appends (the webhook adds it).
 */
export function encodeAdmissionReview(review: AdmissionReview): string {
  const parts: string[] = [];
  if (review.kind !== undefined && review.kind !== '') parts.push(`"kind":${goJsonString(review.kind)}`);
  if (review.apiVersion !== undefined && review.apiVersion !== '')
    parts.push(`"apiVersion":${goJsonString(review.apiVersion)}`);
  if (review.request !== undefined) parts.push(`"request":${encodeAdmissionRequest(review.request)}`);
  if (review.response !== undefined) parts.push(`"response":${encodeAdmissionResponse(review.response)}`);
  return `{${parts.join(',')}}`;
}

/** A RawJson for an object built in code (its text is the Go-style encoding of the value). */
export function toRawJson(value: unknown): RawJson {
  return { text: encodeGoJson(value), value };
}
