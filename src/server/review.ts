/** What the transport needs from the admission layer: raw JSON in, an encoded review or a plain-text error out. */

/** The request-scoped budget handed to admission. */
export interface ReviewContext {
  /** Aborts at the request deadline, or when the client goes away. */
  readonly signal: AbortSignal;
  /** The request deadline in `Date.now()` milliseconds. */
  readonly deadline: number;
}

/** The facts one decision log line carries (never the object itself). */
export interface DecisionSummary {
  readonly uid: string;
  readonly operation: string;
  readonly namespace: string;
  readonly kind: string;
  readonly resource: string;
  readonly subresource: string;
  readonly name: string;
  readonly user: string;
  readonly allowed: boolean;
  /** The status code of a denial (403, 422, 400, 500), absent when allowed. */
  readonly code: number | undefined;
  readonly warnings: number;
}

export type ReviewOutcome =
  /** HTTP 200 with `body` (the encoded AdmissionReview, trailing newline included). */
  | { readonly kind: 'reviewed'; readonly body: string; readonly summary: DecisionSummary }
  /** A transport error answered as plain text (`message` without the trailing newline). */
  | { readonly kind: 'error'; readonly status: number; readonly message: string; readonly detail?: string };

export type ReviewHandler = (body: string, context: ReviewContext) => Promise<ReviewOutcome>;
