/** The AdmissionResponse shapes PSA produces (spec §5.9). Responses are immutable values; `uid` is set by the caller. */
import type { AdmissionResponse, GroupVersionResource, Status } from '../k8s/admission-review.ts';
import { goQuote } from './go-text.ts';
import { formatFieldErrorBody, formatFieldErrors } from './policy.ts';
import type { FieldError } from './types.ts';

export function allowed(): AdmissionResponse {
  return { uid: '', allowed: true };
}

export function withWarnings(response: AdmissionResponse, warnings: readonly string[]): AdmissionResponse {
  if (warnings.length === 0) return response;
  return { ...response, warnings: [...(response.warnings ?? []), ...warnings] };
}

/** Attaches audit annotations; an empty map is left off (Go omits it). */
export function withAnnotations(
  response: AdmissionResponse,
  annotations: Readonly<Record<string, string>>,
): AdmissionResponse {
  for (const key in annotations) {
    if (Object.hasOwn(annotations, key))
      return { ...response, auditAnnotations: { ...response.auditAnnotations, ...annotations } };
  }
  return response;
}

/**
 * A denial for a generic error: the status, plus the audit annotation `error` = `<message>: <cause>` (or just the
 * message when there is no underlying error).
 */
export function errorResponse(status: Status & { readonly message: string }, cause?: string): AdmissionResponse {
  return {
    uid: '',
    allowed: false,
    status,
    auditAnnotations: { error: cause === undefined ? status.message : `${status.message}: ${cause}` },
  };
}

/** 400 BadRequest with a short message (`failed to decode object`, ...). */
export function badRequest(message: string, cause?: string): AdmissionResponse {
  return errorResponse({ status: 'Failure', message, reason: 'BadRequest', code: 400 }, cause);
}

/** 500 InternalError wrapping `message` (apimachinery's NewInternalError). */
export function internalError(message: string, cause?: string): AdmissionResponse {
  return errorResponse(
    {
      status: 'Failure',
      message: `Internal error occurred: ${message}`,
      reason: 'InternalError',
      details: { causes: [{ message }] },
      code: 500,
    },
    cause,
  );
}

function groupResourceString(resource: GroupVersionResource): string {
  return resource.group === '' ? resource.resource : `${resource.resource}.${resource.group}`;
}

/** 403 Forbidden for a policy violation (apimachinery's NewForbidden). */
export function forbidden(resource: GroupVersionResource, name: string, message: string): AdmissionResponse {
  const gr = groupResourceString(resource);
  let text: string;
  if (resource.group === '' && resource.resource === '') text = `forbidden: ${message}`;
  else if (name === '') text = `${gr} is forbidden: ${message}`;
  else text = `${gr} ${goQuote(name)} is forbidden: ${message}`;
  return {
    uid: '',
    allowed: false,
    status: {
      status: 'Failure',
      message: text,
      reason: 'Forbidden',
      details: {
        ...(name === '' ? {} : { name }),
        ...(resource.group === '' ? {} : { group: resource.group }),
        ...(resource.resource === '' ? {} : { kind: resource.resource }),
      },
      code: 403,
    },
  };
}

/** 422 Invalid for bad namespace labels (apimachinery's NewInvalid). */
export function invalid(
  kind: { readonly group: string; readonly kind: string },
  name: string,
  errors: readonly FieldError[],
): AdmissionResponse {
  const qualified = kind.group === '' ? kind.kind : `${kind.kind}.${kind.group}`;
  const aggregate = formatFieldErrors(errors);
  const message =
    aggregate === ''
      ? `${qualified} ${goQuote(name)} is invalid`
      : `${qualified} ${goQuote(name)} is invalid: ${aggregate}`;
  return {
    uid: '',
    allowed: false,
    status: {
      status: 'Failure',
      message,
      reason: 'Invalid',
      details: {
        ...(name === '' ? {} : { name }),
        ...(kind.group === '' ? {} : { group: kind.group }),
        ...(kind.kind === '' ? {} : { kind: kind.kind }),
        causes: errors.map((e) => ({ reason: e.type, message: formatFieldErrorBody(e), field: e.field })),
      },
      code: 422,
    },
  };
}
