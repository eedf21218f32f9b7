/**
 * `admission.k8s.io/v1` AdmissionReview: the typed shapes the webhook exchanges with the API server, a decoder from
 * untrusted JSON, and an encoder that writes exactly the bytes upstream's Go webhook writes.
 *
 * Upstream decodes the review into Go structs and re-encodes the whole review (request included) with
 * `encoding/json`. So the echoed request is a re-encoding of the typed request (unknown fields dropped, fields in
 * declaration order), except the three RawExtension fields (`object`, `oldObject`, `options`), whose original bytes are
 * kept and only compacted (whitespace removed, `<`, `>`, `&`, U+2028, U+2029 escaped). We keep their exact text.
 */

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
export function formatGroupVersionKind(gvk: GroupVersionKind): string {
  return `${gvk.group}/${gvk.version}, Kind=${gvk.kind}`;
}
