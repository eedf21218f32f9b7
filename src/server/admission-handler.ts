import type { Admission } from '../admission/create.ts';
import type { ReviewHandler } from './review.ts';

/**
 * The admission endpoint's logic after the transport checks: decode the review (400 with upstream's text on failure),
 * decide, and answer 200 with the whole review echoed, response and uid included, in upstream's exact bytes. Where
 * upstream's handler would crash (a review without a request) the answer is its 500 `internal server error`.
 */
export function createAdmissionReviewHandler(admission: Admission): ReviewHandler {
  return async (body, context) => {
    // The context itself, not a copy: its signal is made lazily, only if admission needs one (see RequestScope).
    const outcome = await admission.admitReview(body, context);
    if (!outcome.ok)
      return { kind: 'error', status: outcome.httpStatus, message: outcome.message, detail: outcome.detail };
    const request = outcome.review.request;
    const response = outcome.response;
    return {
      kind: 'reviewed',
      body: outcome.body,
      summary: {
        uid: request?.uid ?? '',
        operation: request?.operation ?? '',
        namespace: request?.namespace ?? '',
        kind: request?.kind.kind ?? '',
        resource: request?.resource.resource ?? '',
        subresource: request?.requestSubResource ?? request?.subResource ?? '',
        name: request?.name ?? '',
        user: request?.userInfo.username ?? '',
        allowed: response.allowed,
        code: response.allowed ? undefined : response.status?.code,
        warnings: response.warnings?.length ?? 0,
      },
    };
  };
}
