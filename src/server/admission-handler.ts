import type { PodSecurityAdmission } from '../admission/admission.ts';
import type { AdmissionReview } from '../k8s/admission-review.ts';
import type { ReviewHandler } from './review.ts';

/** Turns request bytes into a review and a review into response bytes, exactly as upstream's Go webhook does. */
export interface ReviewCodec {
  /** `message` is upstream's HTTP 400 text (`unable to decode the request`, `unexpected AdmissionReview kind: ...`). */
  decode(
    text: string,
  ): { readonly ok: true; readonly review: AdmissionReview } | { readonly ok: false; readonly message: string };
  /** The whole review (request echoed) as Go's encoding/json writes it, with the trailing newline. */
  encode(review: AdmissionReview): string;
}

/**
 * The admission endpoint's logic after the transport checks: decode (400 on failure), decide, echo the whole review
 * with the response and the request's uid (200). A review without a request is answered as upstream's handler answers
 * its own crash on it: 500 `internal server error`.
 */
export function createAdmissionReviewHandler(admission: PodSecurityAdmission, codec: ReviewCodec): ReviewHandler {
  return async (body, context) => {
    const decoded = codec.decode(body);
    if (!decoded.ok) return { kind: 'error', status: 400, message: decoded.message };
    const { review } = decoded;
    const request = review.request;
    if (request === undefined) return { kind: 'error', status: 500, message: 'internal server error' };
    const response = await admission.admit(request, { signal: context.signal, deadline: context.deadline });
    const encoded = codec.encode({ ...review, response: { ...response, uid: request.uid } });
    return {
      kind: 'reviewed',
      body: encoded,
      summary: {
        uid: request.uid,
        operation: request.operation,
        namespace: request.namespace ?? '',
        kind: request.kind.kind,
        resource: request.resource.resource,
        subresource: request.requestSubResource ?? request.subResource ?? '',
        name: request.name ?? '',
        user: request.userInfo.username ?? '',
        allowed: response.allowed,
        code: response.allowed ? undefined : response.status?.code,
        warnings: response.warnings?.length ?? 0,
      },
    };
  };
}
